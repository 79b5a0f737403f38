/**
 * Instance-type facts the placement model needs: vCPUs, memory, CPU architecture, GPUs, ENI limits.
 *
 * At run time the cluster scaler reads them with `ec2:DescribeInstanceTypes` (shared/aws/instance-types.ts)
 * and puts the raw `InstanceTypeInfo` objects in the snapshot (`snapshot.instanceTypes`). This built-in
 * table is the offline fallback (a snapshot recorded without them, a type EC2 did not answer for).
 *
 * Sources (read 2026-12-03, /work/research/instance-types.md):
 * - vCPU, MiB, architecture, GPUs: Karpenter's generated instance-type reference,
 *   https://github.com/aws/karpenter-provider-aws/blob/1d927085dd81a9df9301e613f371dac5b4d16bfe/website/content/en/preview/reference/instance-types.md
 *   (labels mapped from DescribeInstanceTypes `VCpuInfo.DefaultVCpus`, `MemoryInfo.SizeInMiB`,
 *   `ProcessorInfo.SupportedArchitectures`, `GpuInfo.Gpus[0].Count`);
 * - max ENIs (`NetworkInfo.MaximumNetworkInterfaces`): `ENILimit` in
 *   https://github.com/aws/amazon-vpc-cni-k8s/blob/b52188387f2e2f10bf289ace929d6a63b176a4fa/pkg/vpc/vpc_ip_resource_limit.go;
 * - task ENIs with trunking ("Task limit with ENI trunking"): the ECS developer guide table,
 *   https://github.com/awsdocs/amazon-ecs-developer-guide/blob/49232cf2ab3bbe78781a45fb1a4c4cf7eee8790a/doc_source/container-instance-eni.md
 *   (now docs.aws.amazon.com/AmazonECS/latest/developerguide/eni-trunking-supported-instance-types.html).
 *   EC2 does not publish this ECS limit, so it always comes from this table; null = not supported.
 */

/** What the placement model knows about one instance type. Memory in MiB (installed, not registered). */
export interface InstanceTypeFacts {
  instanceType: string;
  vcpu: number;
  memoryMiB: number;
  /** ECS's `ecs.cpu-architecture` values the type supports (`x86_64`, `arm64`). */
  architectures: string[];
  gpus: number;
  /** `NetworkInfo.MaximumNetworkInterfaces` (primary included). */
  maxEnis: number;
  /** Task ENIs with ENI trunking (branch ENIs); null: the type does not support trunking or is unknown. */
  trunkEnis: number | null;
  source: 'DescribeInstanceTypes' | 'built-in table';
}

type Row = [
  vcpu: number,
  memoryMiB: number,
  arch: string,
  gpus: number,
  maxEnis: number,
  trunk: number | null,
  /** us-east-1 Linux on-demand USD per hour (AWS's price list, research/instance-types.json, 2026-12-03). */
  usdHour: number,
];

// Written once each (the table is in every function bundle).
const X = 'x86_64';
const A = 'arm64';

/** The built-in table (36 common ECS instance types). */
const TABLE: Record<string, Row> = {
  't3.medium': [2, 4096, X, 0, 3, null, 0.0416],
  't3.large': [2, 8192, X, 0, 3, null, 0.0832],
  't3.xlarge': [4, 16384, X, 0, 4, null, 0.1664],
  'm5.large': [2, 8192, X, 0, 3, 10, 0.096],
  'm5.xlarge': [4, 16384, X, 0, 4, 20, 0.192],
  'm5.2xlarge': [8, 32768, X, 0, 4, 40, 0.384],
  'm5.4xlarge': [16, 65536, X, 0, 8, 60, 0.768],
  'c5.large': [2, 4096, X, 0, 3, 10, 0.085],
  'c5.xlarge': [4, 8192, X, 0, 4, 20, 0.17],
  'c5.2xlarge': [8, 16384, X, 0, 4, 40, 0.34],
  'c5.4xlarge': [16, 32768, X, 0, 8, 60, 0.68],
  'r5.large': [2, 16384, X, 0, 3, 10, 0.126],
  'r5.xlarge': [4, 32768, X, 0, 4, 20, 0.252],
  'r5.2xlarge': [8, 65536, X, 0, 4, 40, 0.504],
  'm6i.large': [2, 8192, X, 0, 3, 10, 0.096],
  'm6i.xlarge': [4, 16384, X, 0, 4, 20, 0.192],
  'm6i.2xlarge': [8, 32768, X, 0, 4, 40, 0.384],
  'c6i.large': [2, 4096, X, 0, 3, 10, 0.085],
  'c6i.xlarge': [4, 8192, X, 0, 4, 20, 0.17],
  'm6g.large': [2, 8192, A, 0, 3, 10, 0.077],
  'm6g.xlarge': [4, 16384, A, 0, 4, 20, 0.154],
  'm6g.2xlarge': [8, 32768, A, 0, 4, 40, 0.308],
  'c6g.large': [2, 4096, A, 0, 3, 10, 0.068],
  'c6g.xlarge': [4, 8192, A, 0, 4, 20, 0.136],
  'c6g.2xlarge': [8, 16384, A, 0, 4, 40, 0.272],
  'r6g.large': [2, 16384, A, 0, 3, 10, 0.1008],
  'r6g.xlarge': [4, 32768, A, 0, 4, 20, 0.2016],
  'm7g.large': [2, 8192, A, 0, 3, 10, 0.0816],
  'm7g.xlarge': [4, 16384, A, 0, 4, 20, 0.1632],
  'c7g.large': [2, 4096, A, 0, 3, 10, 0.0725],
  'c7g.xlarge': [4, 8192, A, 0, 4, 20, 0.145],
  'g4dn.xlarge': [4, 16384, X, 1, 3, null, 0.526],
  'g4dn.2xlarge': [8, 32768, X, 1, 3, null, 0.752],
  'g5.xlarge': [4, 16384, X, 1, 4, 6, 1.006],
  'p3.2xlarge': [8, 62464, X, 1, 4, 40, 3.06],
  'inf1.xlarge': [4, 8192, X, 0, 4, null, 0.228],
};

/** The built-in facts of a type, or undefined. */
export const builtinInstanceFacts = (instanceType: string): InstanceTypeFacts | undefined => {
  const row = TABLE[instanceType];
  if (!row) return undefined;
  const [vcpu, memoryMiB, arch, gpus, maxEnis, trunkEnis] = row;
  return {
    instanceType,
    vcpu,
    memoryMiB,
    architectures: [arch],
    gpus,
    maxEnis,
    trunkEnis,
    source: 'built-in table',
  };
};

/** The us-east-1 on-demand price per hour of a built-in type, or undefined. */
export const builtinUsdHour = (instanceType: string): number | undefined => TABLE[instanceType]?.[6];

/** The instance types of the built-in table. */
export const builtinInstanceTypes = (): string[] => Object.keys(TABLE);

/** The subset of EC2 `InstanceTypeInfo` the model reads (DescribeInstanceTypes). */
export interface InstanceTypeInfoLike {
  InstanceType?: string;
  VCpuInfo?: { DefaultVCpus?: number };
  MemoryInfo?: { SizeInMiB?: number };
  ProcessorInfo?: { SupportedArchitectures?: string[] };
  GpuInfo?: { Gpus?: { Count?: number }[] };
  NetworkInfo?: { MaximumNetworkInterfaces?: number };
}

/**
 * Facts from a DescribeInstanceTypes item. EC2 names ARM `arm64` and Intel/AMD `x86_64` (also `i386`,
 * `x86_64_mac`, `arm64_mac`), as ECS's `ecs.cpu-architecture` does. The trunk limit comes from the table.
 * @returns undefined when the item lacks the type, vCPUs or memory.
 */
export const factsFromInstanceTypeInfo = (info: InstanceTypeInfoLike): InstanceTypeFacts | undefined => {
  const type = info.InstanceType;
  const vcpu = info.VCpuInfo?.DefaultVCpus;
  const memoryMiB = info.MemoryInfo?.SizeInMiB;
  if (!type || !vcpu || !memoryMiB) return undefined;
  return {
    instanceType: type,
    vcpu,
    memoryMiB,
    architectures: (info.ProcessorInfo?.SupportedArchitectures ?? []).filter(
      (a) => a === 'x86_64' || a === 'arm64',
    ),
    gpus: (info.GpuInfo?.Gpus ?? []).reduce((s, g) => s + (g.Count ?? 0), 0),
    maxEnis: info.NetworkInfo?.MaximumNetworkInterfaces ?? builtinInstanceFacts(type)?.maxEnis ?? 0,
    trunkEnis: TABLE[type]?.[5] ?? null,
    source: 'DescribeInstanceTypes',
  };
};

/** Looks up facts by instance type. */
export type InstanceFactsLookup = (instanceType: string) => InstanceTypeFacts | undefined;

/** A lookup over DescribeInstanceTypes items (first), then the built-in table. */
export const instanceFactsLookup = (infos: readonly InstanceTypeInfoLike[] = []): InstanceFactsLookup => {
  const known = new Map<string, InstanceTypeFacts>();
  for (const i of infos) {
    const f = factsFromInstanceTypeInfo(i);
    if (f) known.set(f.instanceType, f);
  }
  return (t) => known.get(t) ?? builtinInstanceFacts(t);
};

/**
 * Task ENI slots of one instance for `awsvpc` tasks: with trunking (the instance carries the
 * `ecs.awsvpc-trunk-id` attribute) the ECS trunk limit, else `maxEnis − 1` (the primary ENI is the
 * instance's own). Undefined: the type is unknown.
 */
export const taskEniSlots = (facts: InstanceTypeFacts | undefined, trunked: boolean): number | undefined => {
  if (!facts) return undefined;
  if (trunked && facts.trunkEnis !== null) return facts.trunkEnis;
  return Math.max(0, facts.maxEnis - 1);
};
