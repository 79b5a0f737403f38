/**
 * What an Auto Scaling group will launch: the instance types it can launch, in the order it launches
 * them, each with its weight (group units per instance) and its capacity for tasks.
 *
 * Read from the group as DescribeAutoScalingGroups returns it (ecs-facts §4.1, §4.2):
 * - the types: `MixedInstancesPolicy.LaunchTemplate.Overrides[]` (`InstanceType`, or attribute-based
 *   `InstanceRequirements` matched against the instance-type table), else the launch template version's
 *   `InstanceType` / `InstanceRequirements` (EC2 DescribeLaunchTemplateVersions, in the snapshot), else the
 *   launch configuration's `InstanceType`, else the types of the group's instances;
 * - the weight: the override's `WeightedCapacity` ("1"–"999"; all or none), the type's vCPUs or MiB when
 *   `DesiredCapacityType` is `vcpu` / `memory-mib`, else 1. Desired capacity, MinSize and MaxSize are in
 *   these units; a member's own `WeightedCapacity` (Instances[]) wins over the override's;
 * - the order: `prioritized` (the on-demand default) launches the first override first and keeps to it
 *   while it has capacity, so new instances arrive as that type. Price- and capacity-based strategies
 *   (`lowest-price`, `capacity-optimized`, `price-capacity-optimized`, and `capacity-optimized-prioritized`,
 *   whose priorities are best effort) choose at launch: the order is not knowable, and scale-out plans on
 *   the least capable type that can take the tasks (conservative: never short).
 * - the capacity of a type: the `instance-cpu`/`instance-memory` tags (single-type groups), else what
 *   registered instances of that type registered (ECS's own figure), else the instance-type table; minus
 *   what DAEMON services reserve on every instance.
 */
import type { CapacityAnalysis } from '../capacity/capacity.js';
import { minResources, type Resources, subtractResources } from '../capacity/resources.js';
import type { AsgInstance, AutoScalingGroup, ClusterSnapshot } from '../snapshot/snapshot.js';
import { STATE_TAGS, tagValue } from './config.js';
import { instanceTypeCapacity, instanceTypeFacts, knownInstanceTypes } from './instance-types.js';

/** The unit of a group's desired capacity. `instances` when the group has no weights. */
export type CapacityUnit = 'instances' | 'units' | 'vcpu' | 'memory-mib';

/** One instance type a group can launch. */
export interface LaunchOption {
  instanceType: string;
  /** Group units one instance of this type adds (≥ 1). */
  weight: number;
  /** What one instance registers with ECS (undefined: unknown). CPU units, MiB, GPUs. */
  registered: Resources | undefined;
  /** Room for tasks on one new instance: registered − daemon reservation. */
  free: Resources | undefined;
  arch: 'x86_64' | 'arm64' | undefined;
  /** us-east-1 on-demand USD per hour (undefined: not in the table). */
  priceUsdHour: number | undefined;
  /** Where `registered` came from (tags, registered instances, instance-type table, cluster). */
  source: string;
}

/** What one group launches. */
export interface GroupFleet {
  group: string;
  unit: CapacityUnit;
  /** Launchable types in launch priority order (override order; price order for attribute-based). */
  options: LaunchOption[];
  /** Whether new instances arrive in `options` order (prioritized); false: the ASG chooses at launch. */
  orderKnown: boolean;
  /**
   * When the order is not known, the options a new instance may be: on-demand `lowest-price` launches the
   * lowest price per unit first (ties are the ASG's choice); other strategies and a Spot share: any option.
   */
  arriving: LaunchOption[];
  /** How the group chooses, in words (for reasons and the report). */
  strategy: string;
  /** Share of new units that are on-demand above the base (0..100), and the base in units. */
  onDemandPercentAboveBase: number;
  onDemandBase: number;
  /** What an operator should know (unknown types, assumptions). */
  notes: string[];
}

interface TemplateRef {
  LaunchTemplateId?: string | undefined;
  LaunchTemplateName?: string | undefined;
  Version?: string | undefined;
}

interface Requirements {
  VCpuCount?: { Min?: number; Max?: number };
  MemoryMiB?: { Min?: number; Max?: number };
  MemoryGiBPerVCpu?: { Min?: number; Max?: number };
  AcceleratorCount?: { Min?: number; Max?: number };
  AllowedInstanceTypes?: string[];
  ExcludedInstanceTypes?: string[];
  BurstablePerformance?: string;
  CpuManufacturers?: string[];
  BareMetal?: string;
  OnDemandMaxPricePercentageOverLowestPrice?: number;
  SpotMaxPricePercentageOverLowestPrice?: number;
  MaxSpotPriceAsPercentageOfOptimalOnDemandPrice?: number;
}

const PRIORITIZED = 'prioritized';

/** The launch template version a reference resolves to in the snapshot ($Latest / $Default / number). */
const templateVersion = (snapshot: ClusterSnapshot, ref: TemplateRef | undefined) => {
  if (!ref) return undefined;
  const versions = (snapshot.launchTemplateVersions ?? []).filter(
    (v) =>
      (ref.LaunchTemplateId !== undefined && v.LaunchTemplateId === ref.LaunchTemplateId) ||
      (ref.LaunchTemplateName !== undefined && v.LaunchTemplateName === ref.LaunchTemplateName),
  );
  if (versions.length === 0) return undefined;
  const wanted = ref.Version ?? '$Default';
  if (wanted === '$Latest')
    return [...versions].sort((a, b) => (b.VersionNumber ?? 0) - (a.VersionNumber ?? 0))[0];
  if (wanted === '$Default') return versions.find((v) => v.DefaultVersion === true) ?? versions[0];
  return versions.find((v) => String(v.VersionNumber) === wanted);
};

/** The version of the group's launch template (its MixedInstancesPolicy's, else its own) in the snapshot. */
const groupTemplate = (snapshot: ClusterSnapshot, group: AutoScalingGroup) =>
  templateVersion(
    snapshot,
    group.MixedInstancesPolicy?.LaunchTemplate?.LaunchTemplateSpecification ?? group.LaunchTemplate,
  );

/**
 * The custom attributes the group's instances register with, from its launch template's user data
 * (`ECS_INSTANCE_ATTRIBUTES`), when it was read; undefined when not known.
 */
export const agentAttributes = (
  snapshot: ClusterSnapshot,
  group: AutoScalingGroup | undefined,
): Record<string, string> | undefined =>
  group && groupTemplate(snapshot, group)?.LaunchTemplateData?.EcsInstanceAttributes;

const wildcard = (pattern: string, type: string): boolean =>
  new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(type);

const inRange = (v: number, r: { Min?: number; Max?: number } | undefined): boolean =>
  r === undefined || ((r.Min === undefined || v >= r.Min) && (r.Max === undefined || v <= r.Max));

/**
 * The table's types that satisfy attribute-based `InstanceRequirements` (ASG user guide "Create an Auto
 * Scaling group using attribute-based instance type selection"): vCPU and memory ranges, memory per vCPU,
 * accelerators, allowed/excluded lists (wildcards), burstable (t*) excluded unless included, CPU
 * manufacturer (amazon-web-services = Graviton, arm64). `arch` restricts to the AMI's architecture.
 * Sorted by price, cheapest first (how EC2 Fleet's lowest-price strategy would try them).
 */
export const matchInstanceRequirements = (
  req: Requirements,
  arch: 'x86_64' | 'arm64' | undefined,
): string[] =>
  knownInstanceTypes()
    .filter((t) => {
      const f = instanceTypeFacts(t)!;
      const burstable = /^t\d/.test(t);
      const manufacturer =
        f.arch === 'arm64' ? 'amazon-web-services' : t.split('.')[0]!.endsWith('a') ? 'amd' : 'intel';
      return (
        inRange(f.vcpu, req.VCpuCount) &&
        inRange(f.memoryMiB, req.MemoryMiB) &&
        inRange(f.memoryMiB / 1024 / f.vcpu, req.MemoryGiBPerVCpu) &&
        inRange(f.gpus, req.AcceleratorCount) &&
        (!req.AllowedInstanceTypes?.length || req.AllowedInstanceTypes.some((p) => wildcard(p, t))) &&
        !(req.ExcludedInstanceTypes ?? []).some((p) => wildcard(p, t)) &&
        (req.BurstablePerformance === 'required'
          ? burstable
          : req.BurstablePerformance === 'included' || !burstable) &&
        (!req.CpuManufacturers?.length || req.CpuManufacturers.includes(manufacturer)) &&
        (arch === undefined || f.arch === arch)
      );
    })
    .sort(
      (a, b) =>
        (instanceTypeFacts(a)!.priceUsdHour ?? Infinity) - (instanceTypeFacts(b)!.priceUsdHour ?? Infinity) ||
        a.localeCompare(b),
    );

/** Current-generation C, M and R families: their lowest price is price protection's reference. */
const CMR_FAMILY = /^[cmr][5-9][a-z]*\./;

/**
 * Attribute-based selection's price protection (`InstanceRequirements`, ASG API reference): AWS excludes
 * the matching types priced above a threshold over the "identified price" — the lowest price of the
 * matching current-generation C, M or R types (else of all matching types), per vCPU or per MiB when
 * `DesiredCapacityType` is `vcpu` / `memory-mib`. On-demand: `OnDemandMaxPricePercentageOverLowestPrice`,
 * default 20 %. Spot: `MaxSpotPriceAsPercentageOfOptimalOnDemandPrice` (% of the identified on-demand
 * price) or `SpotMaxPricePercentageOverLowestPrice` (taken over on-demand prices: the table has no Spot
 * prices); with neither, the SDK reference (2023) says the latter applies at 100 — today's text says
 * "optimal price protection" without a figure; 100 is kept.
 * A type is kept if a purchase option the group grows by may launch it; a type of unknown price is kept.
 */
const priceProtected = (types: string[], req: Requirements, group: AutoScalingGroup): string[] => {
  const per = (t: string): number | undefined => {
    const f = instanceTypeFacts(t);
    if (f?.priceUsdHour === undefined) return undefined;
    return group.DesiredCapacityType === 'vcpu'
      ? f.priceUsdHour / f.vcpu
      : group.DesiredCapacityType === 'memory-mib'
        ? f.priceUsdHour / f.memoryMiB
        : f.priceUsdHour;
  };
  const priced = types.filter((t) => per(t) !== undefined);
  const cmr = priced.filter((t) => CMR_FAMILY.test(t));
  const pool = cmr.length > 0 ? cmr : priced;
  if (pool.length === 0) return types;
  const lowest = Math.min(...pool.map((t) => per(t)!));
  const { onDemandGrows, spotGrows } = allocation(group, true);
  const onDemandLimit = lowest * (1 + (req.OnDemandMaxPricePercentageOverLowestPrice ?? 20) / 100);
  const spotLimit =
    req.MaxSpotPriceAsPercentageOfOptimalOnDemandPrice !== undefined
      ? (lowest * req.MaxSpotPriceAsPercentageOfOptimalOnDemandPrice) / 100
      : req.SpotMaxPricePercentageOverLowestPrice !== undefined
        ? lowest * (1 + req.SpotMaxPricePercentageOverLowestPrice / 100)
        : lowest * 2;
  // A relative tolerance: 0.096 is 20 % over 0.08 exactly, which floating point may put a hair above.
  const within = (price: number, limit: number) => price <= limit * (1 + 1e-9);
  return types.filter((t) => {
    const price = per(t);
    return (
      price === undefined ||
      (onDemandGrows && within(price, onDemandLimit)) ||
      (spotGrows && within(price, spotLimit))
    );
  });
};

/**
 * Registered capacity per instance type, learned from `group`'s registered instances (smallest per
 * dimension) — of that group only: groups of one type may register different memory (`ECS_RESERVED_MEMORY`
 * in their user data), and another group's smaller registration made a type look unable to run a task its
 * own instances would hold (random world 993529).
 */
export const registeredByType = (
  analysis: CapacityAnalysis,
  group: AutoScalingGroup,
): Map<string, Resources> => {
  const typeOf = new Map<string, string>();
  for (const i of group.Instances) if (i.InstanceType) typeOf.set(i.InstanceId, i.InstanceType);
  const out = new Map<string, Resources>();
  for (const ci of analysis.instances) {
    const member = typeOf.get(ci.ec2InstanceId!);
    if (!member) continue;
    const type = ci.instanceType ?? member;
    if (!type || (ci.registered.CPU <= 0 && ci.registered.MEMORY <= 0)) continue;
    const prev = out.get(type);
    out.set(type, prev ? minResources(prev, ci.registered) : ci.registered);
  }
  return out;
};

/**
 * MiB a new instance of `group` registers below the instance-type table: what its registered instances
 * (type, registered capacity) fall short of the table by, the most of any — `ECS_RESERVED_MEMORY` in the
 * user data, or the AMI, takes as much from every type the group launches (random world 992213) — else,
 * none registered, the `ECS_RESERVED_MEMORY` its launch template's user data sets (a group at zero bought
 * an instance, found the task too large for it, scaled in and bought again: world 993889); else 0.
 */
export const memoryShort = (
  snapshot: ClusterSnapshot,
  group: AutoScalingGroup | undefined,
  seen: [string | undefined, Resources][],
): number =>
  Math.max(
    0,
    ...seen.map(([t, r]) => (instanceTypeCapacity(t ?? '')?.MEMORY ?? Number.NaN) - r.MEMORY || 0),
  ) ||
  (group && groupTemplate(snapshot, group)?.LaunchTemplateData?.EcsReservedMemory) ||
  0;

/** The architecture the group's registered instances report (`ecs.cpu-architecture` via the type). */
const groupArch = (group: AutoScalingGroup): 'x86_64' | 'arm64' | undefined => {
  for (const i of group.Instances) {
    const a = i.InstanceType ? instanceTypeFacts(i.InstanceType)?.arch : undefined;
    if (a) return a;
  }
  return undefined;
};

interface Candidate {
  type: string;
  weight?: number | undefined;
}

/** The candidate types of a group, in launch priority order, with the weights its overrides give. */
const candidates = (
  snapshot: ClusterSnapshot,
  group: AutoScalingGroup,
  notes: string[],
): { list: Candidate[]; attributeBased: boolean; fellBack?: boolean } => {
  const mip = group.MixedInstancesPolicy;
  const lt = groupTemplate(snapshot, group);
  const arch = groupArch(group);
  const fromRequirements = (req: Requirements, weight?: number): Candidate[] => {
    const manufacturers = req.CpuManufacturers ?? [];
    const a =
      arch ??
      (manufacturers.length > 0 && manufacturers.every((m) => m === 'amazon-web-services')
        ? 'arm64'
        : manufacturers.length > 0 && !manufacturers.includes('amazon-web-services')
          ? 'x86_64'
          : undefined);
    if (!arch && !a) {
      notes.push(
        'the AMI architecture is not known (no instance yet): attribute-based selection assumes x86_64',
      );
    }
    const matched = matchInstanceRequirements(req, a ?? 'x86_64');
    if (matched.length === 0)
      notes.push('no type of the instance-type table matches the InstanceRequirements');
    const types = priceProtected(matched, req, group);
    if (types.length < matched.length)
      notes.push(`price protection: ${types.length} of ${matched.length} types`);
    return types.map((type) => ({ type, weight }));
  };
  const overrides = mip?.LaunchTemplate?.Overrides ?? [];
  if (overrides.length > 0) {
    const list: Candidate[] = [];
    let attributeBased = false;
    for (const o of overrides) {
      const weight = o.WeightedCapacity !== undefined ? Number(o.WeightedCapacity) : undefined;
      if (o.InstanceType) list.push({ type: o.InstanceType, weight });
      else if (o.InstanceRequirements) {
        attributeBased = true;
        list.push(...fromRequirements(o.InstanceRequirements as Requirements, weight));
      } else {
        const own = templateVersion(snapshot, o.LaunchTemplateSpecification)?.LaunchTemplateData
          ?.InstanceType;
        if (own) list.push({ type: own, weight });
      }
    }
    const ordered = dedupe(list);
    const now = launching(snapshot, group, ordered, attributeBased);
    return { list: now, attributeBased, fellBack: now !== ordered };
  }
  const data = lt?.LaunchTemplateData;
  if (data?.InstanceRequirements) {
    return { list: fromRequirements(data.InstanceRequirements as Requirements), attributeBased: true };
  }
  if (data?.InstanceType) return { list: [{ type: data.InstanceType }], attributeBased: false };
  const lc = (snapshot.launchConfigurations ?? []).find(
    (c) => c.LaunchConfigurationName === group.LaunchConfigurationName,
  );
  if (lc?.InstanceType) return { list: [{ type: lc.InstanceType }], attributeBased: false };
  const seen = group.Instances.map((i) => i.InstanceType).filter((t): t is string => !!t);
  return { list: dedupe(seen.map((type) => ({ type }))), attributeBased: false };
};

/**
 * The type a group launched last: of its member that registered last within the last 15 minutes (a
 * member still launching — Pending — counts as the latest; of several, the first in `list`'s order), or
 * undefined.
 * A prioritized group launches its first override while EC2 has capacity for it, else the next; on-demand
 * `lowest-price` the cheapest per unit, else the next cheapest (docs/fleets.md, "A group that cannot
 * launch"). So when the type launched last is not the one the rule names first, EC2 is out of those
 * before it: it is what the group launches now (a prioritized group's types before it are planned after
 * it). Without this, a first (or cheapest) type out of capacity whose fallback cannot run the waiting
 * tasks (`memberOf` the first type's family) made the scaler buy fallback instances up to MaxSize
 * (random worlds 269186, prioritized; 808124, an attribute-based lowest-price group); after the 15
 * minutes the first type is asked for again. A fallback member ACTIVE and holding no more tasks than the
 * cluster has daemons counts for 30 minutes, below MaxSize: an ask bought it and it took nothing, so the
 * next ask waits until it is scaled in, or 30 minutes (random world 1055808: asked every 17 minutes while
 * scale-in needed longer, the group grew by one idle fallback each time, to 24). At MaxSize an ask buys
 * nothing more: it drains a fallback the waiting tasks cannot use to make room (random world 321335).
 */
const launchedLast = (
  snapshot: ClusterSnapshot,
  group: AutoScalingGroup,
  list: Candidate[],
): Candidate | undefined => {
  const cis = new Map(snapshot.containerInstances.map((c) => [c.ec2InstanceId, c]));
  const daemons = snapshot.services.filter((s) => s.schedulingStrategy === 'DAEMON').length;
  const since = Date.parse(snapshot.capturedAt) - 9e5;
  const out = Date.parse(tagValue(group.Tags, STATE_TAGS.lastScaleOut) ?? '');
  let at = -Infinity;
  let k = -2;
  for (const m of group.Instances) {
    const ci = cis.get(m.InstanceId);
    // A member not registered yet, launched (Pending), is the latest of all. One InService not registered
    // yet is dated at the scaler's last scale-out (registration comes a minute or so after InService: the
    // fallback that just launched was forgotten, and the first type asked again, twice per 17 minutes —
    // random world 1083357). Not the latest of all: it may be a member whose container instance someone
    // deregistered long ago — so taken, a prioritized group short of its first type was planned on it and
    // grown to MaxSize (world 999767); dated, it is that only for 15 minutes after a scale-out.
    const t = ci ? Date.parse(ci.registeredAt ?? '') : /^P/.test(m.LifecycleState) ? Infinity : out;
    const j = list.findIndex((c) => c.type === m.InstanceType);
    const idle =
      j > 0 &&
      group.DesiredCapacity < group.MaxSize &&
      ci?.status === 'ACTIVE' &&
      ci.runningTasksCount + ci.pendingTasksCount <= daemons;
    if (t > since - (idle ? 9e5 : 0) && (t > at || (t === at && j < k))) [at, k] = [t, j];
  }
  return list[k];
};

/** A prioritized group's candidates from the type it launched last ({@link launchedLast}). */
const launching = (
  snapshot: ClusterSnapshot,
  group: AutoScalingGroup,
  list: Candidate[],
  attributeBased: boolean,
): Candidate[] => {
  if (!allocation(group, attributeBased).prioritized) return list;
  const k = list.indexOf(launchedLast(snapshot, group, list)!);
  return k > 0 ? [...list.slice(k), ...list.slice(0, k)] : list;
};

/** How the group's MixedInstancesPolicy allocates: whether new instances come in override order. */
const allocation = (group: AutoScalingGroup, attributeBased: boolean) => {
  const dist = group.MixedInstancesPolicy?.InstancesDistribution;
  const onDemandStrategy =
    dist?.OnDemandAllocationStrategy ?? (attributeBased ? 'lowest-price' : PRIORITIZED);
  const spotStrategy = dist?.SpotAllocationStrategy ?? 'lowest-price';
  const base = dist?.OnDemandBaseCapacity ?? 0;
  const percent = dist?.OnDemandPercentageAboveBaseCapacity ?? 100;
  const onDemandGrows = percent > 0 || base > group.DesiredCapacity;
  const spotGrows = percent < 100;
  const prioritized = !attributeBased && (!onDemandGrows || onDemandStrategy === PRIORITIZED) && !spotGrows;
  return { onDemandStrategy, spotStrategy, onDemandGrows, spotGrows, prioritized, percent, base };
};

/** The unit of the group's desired capacity, given its candidate types. */
const unitOf = (group: AutoScalingGroup, list: readonly Candidate[]): CapacityUnit =>
  group.DesiredCapacityType === 'vcpu' || group.DesiredCapacityType === 'memory-mib'
    ? group.DesiredCapacityType
    : list.some((c) => c.weight !== undefined)
      ? 'units'
      : 'instances';

/** Group units one instance of a candidate adds: its vCPUs or MiB by unit, else its weight, else 1. */
const weightOf = (c: Candidate, unit: CapacityUnit): number => {
  const facts = instanceTypeFacts(c.type);
  return unit === 'vcpu'
    ? (facts?.vcpu ?? 1)
    : unit === 'memory-mib'
      ? (facts?.memoryMiB ?? 1)
      : c.weight !== undefined && Number.isFinite(c.weight) && c.weight >= 1
        ? c.weight
        : 1;
};

/**
 * The types on-demand `lowest-price` launches: those of the lowest price per unit (AWS: "launches the
 * lowest priced instance types within an Availability Zone first"; per unit = price ÷ weight), ties being
 * the ASG's choice. Undefined when that rule does not say (another strategy, a Spot share, a type of unknown
 * price). Prices are the table's (us-east-1); a shortage of the cheapest type, which makes AWS launch the
 * next, is seen once the next has launched ({@link pastCheapest}).
 */
const lowestPriced = (
  list: readonly Candidate[],
  group: AutoScalingGroup,
  attributeBased: boolean,
): Set<string> | undefined => {
  const { onDemandGrows, spotGrows, onDemandStrategy } = allocation(group, attributeBased);
  if (list.length <= 1 || !onDemandGrows || spotGrows || onDemandStrategy !== 'lowest-price')
    return undefined;
  const unit = unitOf(group, list);
  const per = list.map((c) => {
    const usd = instanceTypeFacts(c.type)?.priceUsdHour;
    return usd === undefined ? undefined : usd / weightOf(c, unit);
  });
  if (per.some((p) => p === undefined)) return undefined;
  const min = Math.min(...(per as number[]));
  return new Set(list.filter((_, k) => per[k]! <= min * (1 + 1e-9)).map((c) => c.type));
};

/**
 * The types a new instance of `group` may be: the first it launches when the order is known (on-demand
 * `prioritized`: AWS launches the first override while it has capacity), the lowest priced per unit with
 * on-demand `lowest-price`, else every type it may launch. A task only a type the group does not launch
 * next could run is not placed by growing it.
 */
export const arrivingTypes = (snapshot: ClusterSnapshot, group: AutoScalingGroup): string[] => {
  const { list, attributeBased } = candidates(snapshot, group, []);
  const types = list.map((c) => c.type);
  if (types.length > 1 && allocation(group, attributeBased).prioritized) return types.slice(0, 1);
  const cheapest = lowestPriced(list, group, attributeBased);
  const fell = cheapest && pastCheapest(snapshot, group, list, cheapest);
  return fell ? [fell] : cheapest ? types.filter((t) => cheapest.has(t)) : types;
};

/** A lowest-price group's type launched last when it is not among the cheapest ({@link launchedLast}). */
const pastCheapest = (
  snapshot: ClusterSnapshot,
  group: AutoScalingGroup,
  list: Candidate[],
  cheapest: ReadonlySet<string>,
): string | undefined => {
  const last = launchedLast(snapshot, group, list)?.type;
  return last && !cheapest.has(last) ? last : undefined;
};

const dedupe = (list: Candidate[]): Candidate[] => {
  const seen = new Set<string>();
  return list.filter((c) => !seen.has(c.type) && seen.add(c.type));
};

/** Operator-stated size of one instance (tags), used for single-type groups. */
export interface StatedSize {
  instanceCpu?: number | undefined;
  instanceMemory?: number | undefined;
}

/**
 * What `group` launches. `daemon` is what DAEMON services reserve on every instance, or on a new instance
 * of a type (the daemons whose placement rules take it); `learned` the
 * registered capacity per type ({@link registeredByType}); `fallback` the capacity to assume when the
 * group names no type at all (the smallest registered instance of the cluster), or undefined.
 */
export const groupFleet = (
  snapshot: ClusterSnapshot,
  group: AutoScalingGroup,
  daemon: Resources | ((type: string, registered: Resources) => Resources),
  learned: ReadonlyMap<string, Resources>,
  stated: StatedSize = {},
  fallback?: Resources,
): GroupFleet => {
  const notes: string[] = [];
  const daemonOn = typeof daemon === 'function' ? daemon : () => daemon;
  const { list, attributeBased, fellBack } = candidates(snapshot, group, notes);
  const unit = unitOf(group, list);
  const single = list.length <= 1;
  // A type no instance registered yet: the table, less what the group's registered types fall short of it.
  const short = memoryShort(
    snapshot,
    group,
    [...learned].filter(([t]) => list.some((c) => c.type === t)),
  );
  const options: LaunchOption[] = list.map((c) => {
    const facts = instanceTypeFacts(c.type);
    const weight = weightOf(c, unit);
    const fromTags =
      single && stated.instanceCpu !== undefined && stated.instanceMemory !== undefined
        ? { CPU: stated.instanceCpu, MEMORY: stated.instanceMemory, GPU: facts?.gpus ?? 0 }
        : undefined;
    const seen = learned.get(c.type);
    const table = instanceTypeCapacity(c.type);
    const [registered, source] = fromTags
      ? [fromTags, 'tags']
      : seen
        ? [seen, 'registered instances']
        : table
          ? [{ ...table, MEMORY: table.MEMORY - short }, 'instance-type table']
          : [undefined, 'unknown'];
    if (!registered)
      notes.push(`${c.type} is not in the instance-type table and no instance of it is registered`);
    return {
      instanceType: c.type,
      weight,
      registered,
      free: registered ? subtractResources(registered, daemonOn(c.type, registered)) : undefined,
      arch: facts?.arch,
      priceUsdHour: facts?.priceUsdHour,
      source,
    };
  });
  if (options.length === 0 && fallback) {
    options.push({
      instanceType: '',
      weight: 1,
      registered: fallback,
      free: subtractResources(fallback, daemonOn('', fallback)),
      arch: undefined,
      priceUsdHour: undefined,
      source: 'registered instances',
    });
  }
  const { onDemandStrategy, spotStrategy, onDemandGrows, spotGrows, prioritized, percent, base } = allocation(
    group,
    attributeBased,
  );
  const orderKnown = options.length <= 1 || prioritized;
  const cheapest = orderKnown ? undefined : lowestPriced(list, group, attributeBased);
  const fell = cheapest && pastCheapest(snapshot, group, list, cheapest);
  const arriving = cheapest
    ? options.filter((o) => (fell ? o.instanceType === fell : cheapest.has(o.instanceType)))
    : options;
  const parts = [
    ...(onDemandGrows ? [`on-demand ${onDemandStrategy}`] : []),
    ...(spotGrows ? [`Spot ${spotStrategy}`] : []),
  ];
  const strategy =
    options.length <= 1
      ? `one type (${options[0]?.instanceType || 'unknown'})`
      : `${parts.join(' + ')}${
          orderKnown
            ? `: overrides in order${fellBack ? `, from ${list[0]!.type}, the type it launched last (is EC2 out of the ones before?)` : ''}`
            : cheapest
              ? `: cheapest per unit first (${fell ? `${[...cheapest]}; it launched ${fell} last: is EC2 out of the cheaper ones?` : arriving.map((o) => o.instanceType)})`
              : ': the ASG chooses the type at launch'
        }`;
  return {
    group: group.AutoScalingGroupName,
    unit,
    options,
    orderKnown,
    arriving,
    strategy,
    onDemandPercentAboveBase: percent,
    onDemandBase: base,
    notes,
  };
};

/**
 * A member's own `WeightedCapacity` (DescribeAutoScalingGroups gives it as a string) when it is a number
 * ≥ 1, else undefined: the one reading of it that the fleet, the lowered-desired count and the planner's
 * terminations share.
 */
export const ownWeight = (member: Pick<AsgInstance, 'WeightedCapacity'>): number | undefined => {
  const own = member.WeightedCapacity !== undefined ? Number(member.WeightedCapacity) : Number.NaN;
  return Number.isFinite(own) && own >= 1 ? own : undefined;
};

/** A member's weight: its own `WeightedCapacity`, else its type's in the fleet, else by unit, else 1. */
export const memberWeight = (fleet: GroupFleet, member: AsgInstance): number => {
  const own = ownWeight(member);
  if (own !== undefined) return own;
  const option = fleet.options.find((o) => o.instanceType === member.InstanceType);
  if (option) return option.weight;
  const facts = member.InstanceType ? instanceTypeFacts(member.InstanceType) : undefined;
  if (fleet.unit === 'vcpu' && facts) return facts.vcpu;
  if (fleet.unit === 'memory-mib' && facts) return facts.memoryMiB;
  return 1;
};

/** The free room of a member (registered or not) from its type, for in-flight capacity. */
export const memberFree = (
  fleet: GroupFleet,
  member: AsgInstance,
  daemon: Resources,
): Resources | undefined => {
  const option = fleet.options.find((o) => o.instanceType === member.InstanceType);
  if (option?.free) return option.free;
  const table = member.InstanceType ? instanceTypeCapacity(member.InstanceType) : undefined;
  return table ? subtractResources(table, daemon) : undefined;
};

const fitsAll = (free: Resources, needs: readonly Resources[]): boolean =>
  needs.every((n) => n.CPU <= free.CPU && n.MEMORY <= free.MEMORY && n.GPU <= free.GPU);

/** Task room per unit, the smaller of CPU and MEMORY relative to the task: "how capable" per unit. */
const perUnit = (o: LaunchOption): number =>
  o.free ? Math.min(o.free.CPU, o.free.MEMORY / 4) / o.weight : 0;

/**
 * The type new instances of the group arrive as, for placing `needs` (task sizes):
 * known order → the first option whose capacity is known (AWS launches the highest priority);
 * unknown order → the least capable option per unit that can take every task (never short); when none
 * can take them all, the most capable one (the caller reports what still does not fit).
 */
export const arrivalOption = (
  fleet: GroupFleet,
  needs: readonly Resources[],
  takes: (o: LaunchOption) => boolean = () => true,
): { option: LaunchOption; why: string } | undefined => {
  let known = fleet.options.filter((o) => o.free);
  if (known.length === 0) return undefined;
  if (fleet.orderKnown) {
    const first = known[0]!;
    return {
      option: first,
      why: `${fleet.group} launches ${first.instanceType || 'its instance type'} first (${fleet.strategy})`,
    };
  }
  // On-demand lowest-price: the cheapest per unit arrive (ties: the least capable that takes the tasks).
  const next = fleet.arriving.filter((o) => o.free);
  if (next.length > 0) known = next;
  if (known.length === 1) {
    return {
      option: known[0]!,
      why: `${fleet.group} launches ${known[0]!.instanceType} first (${fleet.strategy})`,
    };
  }
  const able = known.filter((o) => fitsAll(o.free!, needs) && takes(o));
  const pick = [...(able.length > 0 ? able : known)].sort((a, b) =>
    able.length > 0 ? perUnit(a) - perUnit(b) : perUnit(b) - perUnit(a),
  )[0]!;
  const chance =
    able.length > 0 && able.length < known.length
      ? `; only ${able.map((o) => o.instanceType).join(', ')} take them (the ASG chooses)`
      : '';
  return {
    option: pick,
    why: `${fleet.group}: ${fleet.strategy}; the order is not knowable, planned on the least capable type that takes the tasks (${pick.instanceType}, weight ${pick.weight})${chance}`,
  };
};

/** Σ member weights of `members`. */
export const unitsOf = (fleet: GroupFleet, members: readonly AsgInstance[]): number =>
  members.reduce((s, m) => s + memberWeight(fleet, m), 0);
