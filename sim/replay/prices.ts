/**
 * On-demand prices of the instance types the benchmarks and `simulate` use, to count cost in money.
 *
 * Source: Karpenter's generated `InitialOnDemandPricesAWS['us-east-1']`
 * (https://github.com/aws/karpenter-provider-aws/blob/1d927085dd81a9df9301e613f371dac5b4d16bfe/pkg/providers/pricing/zz_generated.pricing_aws.go,
 * header "generated at 2026-07-20T13:44:30Z for us-east-1", from the AWS Pricing API: Linux, shared
 * tenancy, on-demand), as copied into the team's research/instance-types.json (read on 2026-12-03).
 *
 * Cost is counted in **cost units**: an instance-hour of a type weighs its price relative to the cheapest
 * type of the group (m5.large = 1, m5.xlarge = 2). Relative prices keep the figures meaningful when list
 * prices change, and an instance-hour of a larger type is no longer counted like one of a smaller type.
 */

/** Where the prices come from and when they were read. */
export const PRICE_SOURCE = Object.freeze({
  url: 'https://github.com/aws/karpenter-provider-aws/blob/1d927085dd81a9df9301e613f371dac5b4d16bfe/pkg/providers/pricing/zz_generated.pricing_aws.go',
  region: 'us-east-1',
  kind: 'on-demand, Linux, shared tenancy',
  priceDate: '2026-07-20',
  readOn: '2026-12-03',
});

/** USD per hour, us-east-1 on-demand (see {@link PRICE_SOURCE}). */
export const ON_DEMAND_USD_PER_HOUR: Readonly<Record<string, number>> = Object.freeze({
  't3.medium': 0.0416,
  't3.large': 0.0832,
  't3.xlarge': 0.1664,
  'm5.large': 0.096,
  'm5.xlarge': 0.192,
  'm5.2xlarge': 0.384,
  'm5.4xlarge': 0.768,
  'c5.large': 0.085,
  'c5.xlarge': 0.17,
  'c5.2xlarge': 0.34,
  'c5.4xlarge': 0.68,
  'r5.large': 0.126,
  'r5.xlarge': 0.252,
  'r5.2xlarge': 0.504,
  'm6i.large': 0.096,
  'm6i.xlarge': 0.192,
  'm6i.2xlarge': 0.384,
  'c6i.large': 0.085,
  'c6i.xlarge': 0.17,
  'm6g.large': 0.077,
  'm6g.xlarge': 0.154,
  'm6g.2xlarge': 0.308,
  'c6g.large': 0.068,
  'c6g.xlarge': 0.136,
  'c6g.2xlarge': 0.272,
  'r6g.large': 0.1008,
  'r6g.xlarge': 0.2016,
  'm7g.large': 0.0816,
  'm7g.xlarge': 0.1632,
  'c7g.large': 0.0725,
  'c7g.xlarge': 0.145,
  'g4dn.xlarge': 0.526,
  'g4dn.2xlarge': 0.752,
  'g5.xlarge': 1.006,
  'p3.2xlarge': 3.06,
  'inf1.xlarge': 0.228,
});

/** An instance type as the replay knows it: its name and what it registers with ECS. */
export interface PricedType {
  type: string;
  cpu: number;
  memory: number;
}

/**
 * Cost units per hour of each type, relative to the cheapest type of the list (which weighs 1).
 * A type missing from the table (a snapshot's exotic type) is priced by its registered CPU against the
 * priced types' USD per CPU unit, or, when none is priced, all types by CPU alone — said in `notes`.
 */
export const costWeights = (
  types: readonly PricedType[],
): { weights: Map<string, number>; notes: string[] } => {
  const notes: string[] = [];
  const known = types.filter((t) => ON_DEMAND_USD_PER_HOUR[t.type] !== undefined);
  const usdPerCpu =
    known.length > 0
      ? known.reduce((s, t) => s + ON_DEMAND_USD_PER_HOUR[t.type]! / t.cpu, 0) / known.length
      : undefined;
  const usd = new Map<string, number>();
  for (const t of types) {
    const listed = ON_DEMAND_USD_PER_HOUR[t.type];
    if (listed !== undefined) usd.set(t.type, listed);
    else {
      usd.set(t.type, (usdPerCpu ?? 1) * t.cpu);
      notes.push(`${t.type}: not in the price table; priced by its ${t.cpu} CPU units`);
    }
  }
  const cheapest = Math.min(...usd.values());
  const weights = new Map<string, number>();
  for (const [type, price] of usd) weights.set(type, price / cheapest);
  return { weights, notes };
};
