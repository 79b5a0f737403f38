/**
 * The simulated EC2 Auto Scaling: groups that launch instances to desired capacity (boot time, then
 * ECS registration), terminate with the default termination policy, honour scale-in protection and
 * run the termination lifecycle hook (Terminating:Wait → Proceed), and Spot interruptions.
 */
import type { SimContext } from '../core/context.js';
import { capacityProviderOfGroup } from '../ecs/capacity-providers.js';
import type { EcsWorld } from '../ecs/ecs-world.js';
import {
  type InstanceTypeSpec,
  instanceType,
  instanceTypeFacts,
  instanceTypeNames,
} from '../ecs/resources.js';
import { ON_DEMAND_USD_PER_HOUR } from '../replay/prices.js';
import { activityDetail, spotInstanceArn, terminateLifecycleDetail } from './asg-events.js';
import { REFRESH_STEP_SECONDS, refreshStep, toReplace } from './instance-refresh.js';
import type {
  LaunchHookSpec,
  LifecycleAction,
  LifecycleHookSpec,
  SimAsg,
  SimAsgInstance,
  SimInstanceRefresh,
} from './model.js';
import { chooseVictims, counted, countedInstances, launchAzs } from './termination-policy.js';

/** Attribute-based instance requirements the simulator understands (a subset of AWS's). */
export interface SimInstanceRequirements {
  vcpu: { min: number; max?: number };
  memoryMiB: { min: number; max?: number };
  /** Default: any number (AWS: no limit unless set). */
  acceleratorCount?: { min?: number; max?: number };
  /** OnDemandMaxPricePercentageOverLowestPrice: price protection's threshold (AWS default 20). */
  onDemandMaxPricePercent?: number;
}

const inRange = (v: number, r: { min?: number; max?: number } | undefined): boolean =>
  !r || ((r.min === undefined || v >= r.min) && (r.max === undefined || v <= r.max));

/** The table's x86 types that meet the requirements (burstable t* excluded, as AWS's default). */
const matching = (req: SimInstanceRequirements): string[] =>
  instanceTypeNames().filter((n) => {
    const f = instanceTypeFacts(n)!;
    return (
      !n.startsWith('t') &&
      f.arch === 'x86_64' &&
      inRange(f.vcpu, req.vcpu) &&
      inRange(f.memoryMiB, req.memoryMiB) &&
      inRange(f.gpus, req.acceleratorCount)
    );
  });

/**
 * On-demand price protection (ASG API reference, `InstanceRequirements.OnDemandMaxPricePercentageOverLowestPrice`,
 * default 20): types priced more than the threshold above the cheapest matching current-generation C, M or
 * R type (else the cheapest match) are not launched — compared per vCPU or per MiB when the group counts
 * vCPUs or MiB (prices: sim/replay/prices.ts, the simulator's own table). A type without a price stays.
 */
const priceProtection = (
  names: string[],
  req: SimInstanceRequirements,
  capacityType: 'units' | 'vcpu' | 'memory-mib' | undefined,
): string[] => {
  const unitPrice = (n: string): number | undefined => {
    const usd = ON_DEMAND_USD_PER_HOUR[n];
    const f = instanceTypeFacts(n)!;
    if (usd === undefined) return undefined;
    if (capacityType === 'vcpu') return usd / f.vcpu;
    if (capacityType === 'memory-mib') return usd / f.memoryMiB;
    return usd;
  };
  let reference = Infinity;
  for (const cmrOnly of [true, false]) {
    for (const n of names) {
      const p = unitPrice(n);
      if (p !== undefined && (!cmrOnly || 'cmr'.includes(n[0]!)) && p < reference) reference = p;
    }
    if (reference < Infinity) break;
  }
  const ceiling = reference * (1 + (req.onDemandMaxPricePercent ?? 20) / 100) * (1 + 1e-9);
  return names.filter((n) => {
    const p = unitPrice(n);
    return p === undefined || p <= ceiling;
  });
};

/**
 * Overrides as the group launches them: instance types with their weights; attribute-based requirements
 * become every table type that matches (burstable t* excluded, as AWS's default). With DesiredCapacityType
 * vcpu / memory-mib each type weighs its vCPUs / MiB.
 */
const expandOverrides = (
  overrides: NonNullable<AsgSpec['mixedInstances']>['overrides'],
  capacityType: 'units' | 'vcpu' | 'memory-mib' | undefined,
): { type: InstanceTypeSpec; weight: number }[] =>
  overrides.flatMap((o) => {
    const names =
      'requirements' in o
        ? priceProtection(matching(o.requirements), o.requirements, capacityType)
        : [o.type];
    return names.map((n) => {
      const type = instanceType(n);
      const facts = instanceTypeFacts(type.name);
      const weight =
        capacityType === 'vcpu'
          ? (facts?.vcpu ?? 1)
          : capacityType === 'memory-mib'
            ? (facts?.memoryMiB ?? 1)
            : 'weight' in o && o.weight !== undefined
              ? o.weight
              : 1;
      return { type, weight };
    });
  });

/** On-demand price per unit of capacity (weights); a type of unknown price: Infinity. */
const perUnitPrice = (o: { type: InstanceTypeSpec; weight: number }): number =>
  (ON_DEMAND_USD_PER_HOUR[o.type.name] ?? Number.POSITIVE_INFINITY) / o.weight;

/** The options of the lowest price per unit, all of a tie (what on-demand `lowest-price` launches first). */
const cheapestPerUnit = <T extends { type: InstanceTypeSpec; weight: number }>(
  options: readonly T[],
): T[] => {
  const least = Math.min(...options.map(perUnitPrice));
  return options.filter((o) => perUnitPrice(o) <= least * (1 + 1e-9));
};

/**
 * The types an attribute-based override launches while EC2 has them, with on-demand `lowest-price`:
 * the cheapest per unit, all of a tie (the group's launch order, below, picks among them).
 */
export const lowestPriceTypes = (
  requirements: SimInstanceRequirements,
  capacityType?: 'units' | 'vcpu' | 'memory-mib',
): string[] => cheapestPerUnit(expandOverrides([{ requirements }], capacityType)).map((o) => o.type.name);

/** Σ weights of `instances` (desired capacity counts units). */
export const unitsOf = (instances: readonly SimAsgInstance[]): number =>
  instances.reduce((u, i) => u + i.weight, 0);

/** The hook event of an instance going to the warm pool names Destination WarmPool (ecs-facts §4.3). */
const withDestination = <T extends object>(inst: SimAsgInstance, detail: T): T =>
  inst.toWarmPool ? { ...detail, Destination: 'WarmPool' } : detail;

/** An Auto Scaling group in the setup API. Times in seconds. */
export interface AsgSpec {
  name: string;
  /** ECS cluster the instances register with (none: they never register). */
  cluster?: string;
  min: number;
  max: number;
  /** Default `min`. Instances for it exist (InService, registered) when created before the run starts. */
  desired?: number;
  /** Default ['m5.large']; several → launched round-robin. */
  instanceTypes?: Array<string | InstanceTypeSpec>;
  /** Default `<region>a`, `b`, `c`. */
  azs?: string[];
  /** Launch → InService (EC2 boot). Default 45. */
  bootSeconds?: number;
  /** InService → ECS registration (agent start). Default 30. */
  registerSeconds?: number;
  /** Uniform extra delay [0, jitter) added to boot and to registration. Default 15. */
  jitterSeconds?: number;
  /** Share (0–1) of launched instances whose ECS agent never registers. Default 0. */
  neverRegisterShare?: number;
  /** Share (0–1) of launched instances that are Spot. Default 0. */
  spotShare?: number;
  /** CapacityRebalance (default false): Spot instances that get a rebalance recommendation are replaced. */
  capacityRebalance?: boolean;
  /**
   * The AZRebalance process (active on every real group unless suspended; default false here, so the
   * scenarios written before it keep their shape): an unbalanced group launches in its emptiest AZ, then
   * terminates an instance of its fullest ({@link AsgWorld} `rebalanceAzs`).
   */
  azRebalance?: boolean;
  newInstancesProtectedFromScaleIn?: boolean;
  tags?: Record<string, string>;
  terminationHook?: LifecycleHookSpec;
  /** A launch lifecycle hook and what its owner does (model.ts {@link LaunchHookSpec}). */
  launchHook?: LaunchHookSpec;
  /**
   * MixedInstancesPolicy: overrides in priority order with optional WeightedCapacity (all or none);
   * `prioritized` (default) launches the first override, `lowest-price` the lowest price per unit (a seeded
   * pick among equal prices). Replaces `instanceTypes`.
   */
  mixedInstances?: {
    /**
     * `type`, or attribute-based `requirements` (ASG user guide "attribute-based instance type selection":
     * vCPU and MiB ranges, accelerator count; burstable excluded) matched against the simulator's table.
     */
    overrides: (
      | { type: string | InstanceTypeSpec; weight?: number }
      | { requirements: SimInstanceRequirements }
    )[];
    /** `units` (default) or `vcpu` / `memory-mib`: then each type weighs its vCPUs / MiB. */
    desiredCapacityType?: 'units' | 'vcpu' | 'memory-mib';
    strategy?: 'prioritized' | 'lowest-price';
    /** OnDemandPercentageAboveBaseCapacity (default 100; 0: a Spot group). */
    onDemandPercentAboveBase?: number;
  };
  /** A warm pool of stopped instances (PutWarmPool, PoolState Stopped); ECS_WARM_POOLS_CHECK assumed. */
  warmPool?: { minSize?: number; reuseOnScaleIn?: boolean };
  launchTemplateVersion?: string;
  /**
   * Custom attributes the ECS agent registers every instance with: the launch template's user data writes
   * `ECS_INSTANCE_ATTRIBUTES={"name":"value",…}` to /etc/ecs/ecs.config (ECS developer guide, "Amazon ECS
   * container agent configuration"; attributes "Custom attributes").
   */
  agentAttributes?: Record<string, string>;
  /**
   * `ECS_RESERVED_MEMORY` of the launch template's user data: MiB the agent keeps for the host, so every
   * instance registers that much less memory (ECS developer guide, "Reserving Amazon ECS Linux container
   * instance memory").
   */
  agentReservedMemory?: number;
}

/**
 * What a group may hold while it launches before it terminates (Capacity Rebalancing, AZRebalance): MaxSize
 * plus 10 %, at least one instance (the guide states the bound loosely: unconfirmed).
 */
const launchFirstCeiling = (group: SimAsg): number => group.max + Math.max(1, Math.floor(group.max / 10));

/** State and behaviour of the simulated Auto Scaling. */
export class AsgWorld {
  readonly groups = new Map<string, SimAsg>();
  private readonly pendingReconcile = new Set<SimAsg>();
  private readonly retrying = new Set<SimAsg>();
  private readonly shortages: { types?: string[]; azs?: string[]; untilMs: number }[] = [];
  /** Terminated instances, kept for the timeline and invariants. */
  readonly terminated: SimAsgInstance[] = [];

  constructor(
    private readonly ctx: SimContext,
    private readonly ecs: EcsWorld,
  ) {}

  /** Creates a group; before the run starts its initial instances are InService and registered. */
  createGroup(spec: AsgSpec): SimAsg {
    const { region, accountId } = this.ctx.settings;
    const desired = spec.desired ?? spec.min;
    if (!(spec.min <= desired && desired <= spec.max)) {
      throw new Error(
        `sim: createGroup '${spec.name}': need min ≤ desired ≤ max, got ${spec.min}/${desired}/${spec.max}.`,
      );
    }
    const group: SimAsg = {
      name: spec.name,
      arn: `arn:aws:autoscaling:${region}:${accountId}:autoScalingGroup:${this.ctx.rng.uuid()}:autoScalingGroupName/${spec.name}`,
      cluster: spec.cluster,
      min: spec.min,
      max: spec.max,
      desired,
      azs: spec.azs ?? [`${region}a`, `${region}b`, `${region}c`],
      instanceTypes: (spec.instanceTypes ?? ['m5.large']).map(instanceType),
      nextTypeIndex: 0,
      bootSeconds: spec.bootSeconds ?? 45,
      registerSeconds: spec.registerSeconds ?? 30,
      jitterSeconds: spec.jitterSeconds ?? 15,
      neverRegisterShare: spec.neverRegisterShare ?? 0,
      spotShare: spec.spotShare ?? 0,
      newInstancesProtectedFromScaleIn: spec.newInstancesProtectedFromScaleIn ?? false,
      launchTemplate: {
        id: `lt-${this.ctx.rng.hex(17)}`,
        name: `${spec.name}-lt`,
        version: spec.launchTemplateVersion ?? '1',
      },
      ...(spec.agentAttributes ? { agentAttributes: spec.agentAttributes } : {}),
      ...(spec.agentReservedMemory ? { agentReservedMemory: spec.agentReservedMemory } : {}),
      tags: new Map(
        Object.entries(spec.tags ?? {}).map(([k, v]) => [k, { value: v, propagateAtLaunch: true }]),
      ),
      hooks: spec.terminationHook
        ? [{ heartbeatTimeout: 3600, defaultResult: 'ABANDON', ...spec.terminationHook }]
        : [],
      ...(spec.launchHook
        ? { launchHook: { heartbeatTimeout: 3600, defaultResult: 'ABANDON', ...spec.launchHook } }
        : {}),
      createdAt: this.ctx.clock.nowMs,
      instances: new Map(),
      refreshes: [],
      suspended: new Map(),
      capacityRebalance: spec.capacityRebalance ?? false,
      azRebalance: spec.azRebalance ?? false,
      ...(spec.mixedInstances
        ? {
            mixed: {
              overrides: expandOverrides(
                spec.mixedInstances.overrides,
                spec.mixedInstances.desiredCapacityType,
              ),
              ...(spec.mixedInstances.overrides.some((o) => 'requirements' in o)
                ? {
                    requirements: spec.mixedInstances.overrides.flatMap((o) =>
                      'requirements' in o ? [o.requirements] : [],
                    ),
                  }
                : {}),
              ...(spec.mixedInstances.desiredCapacityType
                ? { desiredCapacityType: spec.mixedInstances.desiredCapacityType }
                : {}),
              // AWS's on-demand default is prioritized, lowest-price with attribute-based selection.
              strategy:
                spec.mixedInstances.strategy ??
                (spec.mixedInstances.overrides.some((o) => 'requirements' in o)
                  ? 'lowest-price'
                  : 'prioritized'),
              onDemandPercentAboveBase: spec.mixedInstances.onDemandPercentAboveBase ?? 100,
              weighted: spec.mixedInstances.overrides.some((o) => 'weight' in o && o.weight !== undefined),
            },
          }
        : {}),
      ...(spec.warmPool
        ? {
            warmPool: {
              minSize: spec.warmPool.minSize ?? 0,
              reuseOnScaleIn: spec.warmPool.reuseOnScaleIn ?? false,
            },
          }
        : {}),
    };
    // CreateAutoScalingGroup refuses attribute-based selection that no instance type meets (the
    // simulator knows the types of its table only: a real type outside it is refused here too).
    // A warm start runs the launch hook twice (ecs-facts §4.3): not modelled, so not allowed together.
    if (group.launchHook && group.warmPool) {
      throw new Error(`sim: createGroup '${spec.name}': a launch hook with a warm pool is not modelled.`);
    }
    // PutWarmPool refuses it (EC2 Auto Scaling user guide, "Warm pools", Limitations: "You cannot add a warm
    // pool to Auto Scaling groups that have a mixed instances policy or that launch Spot Instances").
    if (group.warmPool && (spec.mixedInstances || group.spotShare > 0)) {
      throw new Error(
        `sim: createGroup '${spec.name}': a warm pool on a group with a mixed instances policy or Spot Instances (AWS refuses it).`,
      );
    }
    const hb = group.launchHook?.heartbeatTimeout ?? 3600;
    if (!(hb >= 30 && hb <= 7200)) {
      throw new Error(`sim: createGroup '${spec.name}': HeartbeatTimeout must be 30–7200 s, got ${hb}.`);
    }
    if (group.mixed && group.mixed.overrides.length === 0) {
      throw new Error(
        `sim: createGroup '${spec.name}': no instance type of the simulator's table meets its overrides (ValidationError).`,
      );
    }
    this.groups.set(spec.name, group);
    this.reconcile(group);
    return group;
  }

  /** Finds the group and instance of an EC2 instance id. */
  instance(id: string): SimAsgInstance | undefined {
    for (const g of this.groups.values()) {
      const i = g.instances.get(id);
      if (i) return i;
    }
    return undefined;
  }

  /** Sets desired capacity (already validated) and lets the group converge after its reaction delay. */
  setDesired(group: SimAsg, desired: number): void {
    group.desired = desired;
    this.requestReconcile(group);
  }

  /** Coalesced reconcile after `asgReactionSeconds`. */
  requestReconcile(group: SimAsg): void {
    if (!this.ctx.started) {
      this.reconcile(group);
      return;
    }
    if (this.pendingReconcile.has(group)) return;
    this.pendingReconcile.add(group);
    this.ctx.clock.after(this.ctx.settings.asgReactionSeconds, 'asg:reconcile', () => {
      this.pendingReconcile.delete(group);
      this.reconcile(group);
    });
  }

  /**
   * Desired capacity counts units (ASG user guide "Configure instance weighting"): the group launches
   * until the units of its Pending and InService instances reach desired (it may overshoot by less than
   * one instance's weight) and, shrinking, terminates while the rest still hold desired.
   */
  private reconcile(group: SimAsg): void {
    // An at-risk instance and its replacement hold one place in desired capacity until the old one goes.
    let units = unitsOf(countedInstances(group)) - this.replacedUnits(group);
    let live = this.instanceCount();
    // Suspended processes (ASG user guide, "How suspended processes affect other processes"): with Launch
    // suspended the group launches nothing (scale-out, replacements, the warm pool) and desired stays
    // unmet until Launch resumes; with Terminate suspended it starts no scale-in activity (the guide:
    // the suspension applies to InService instances; the simulator starts none at all).
    const launching = !group.suspended.has('Launch');
    while (launching && units < group.desired) {
      // Above the account's instance quota EC2 refuses the launch (VcpuLimitExceeded); the group retries.
      const launched = live < this.ctx.settings.instanceQuota ? this.launch(group) : 0;
      live++;
      if (launched === 0) {
        this.retryLaunch(group);
        break;
      }
      units += launched;
    }
    while (!group.suspended.has('Terminate') && units > group.desired) {
      const [v] = chooseVictims(group, 1, this.ctx.clock.nowMs, this.ctx.rng);
      if (!v || units - v.weight < group.desired) break;
      units -= v.weight;
      this.beginTerminate(
        v,
        'an instance was taken out of service in response to a difference between desired and actual capacity, shrinking the capacity.',
        group.warmPool?.reuseOnScaleIn === true,
      );
    }
    if (launching) {
      this.fillWarmPool(group);
      this.replaceAtRisk(group);
      this.rebalanceAzs(group);
    }
  }

  /** Units of at-risk instances whose replacement is launching or in service (both still counted). */
  private replacedUnits(group: SimAsg): number {
    let u = 0;
    for (const i of group.instances.values()) {
      if (i.replacement && counted(i) && counted(i.replacement)) u += i.weight;
    }
    return u;
  }

  /**
   * Capacity Rebalancing (ASG user guide, "Capacity Rebalancing"): for each at-risk Spot instance the group
   * launches a replacement first, above desired capacity, and terminates the old instance (through its
   * terminate hooks) once the new one has passed its health checks (here: when it is InService). Being at
   * or near MaxSize could stop that, so the group may exceed MaxSize for a while; the simulator allows 10 %
   * of MaxSize, at least one instance (the guide's bound is stated loosely: unconfirmed). A launch that
   * fails (no capacity) is tried again at the next reconcile; a reclaim before the replacement is up
   * terminates the old instance as usual, and the replacement then simply counts.
   */
  private replaceAtRisk(group: SimAsg): void {
    for (const old of group.instances.values()) {
      if (!old.atRisk || old.replacement || old.lifecycleState !== 'InService') continue;
      if (unitsOf(countedInstances(group)) + old.weight > launchFirstCeiling(group)) return;
      if (!this.launchReplacement(group, old)) return;
    }
  }

  /**
   * Launches the instance that replaces `old` (in `az`, else where the group's balancing puts it) and links
   * the two: `old` is terminated, with `cause` (default: Capacity Rebalancing's), once the new one is
   * InService. False when nothing launched (retried a minute later).
   */
  private launchReplacement(group: SimAsg, old: SimAsgInstance, az?: string, cause?: string): boolean {
    const before = new Set(group.instances.keys());
    if (this.launch(group, false, az) === 0) {
      this.retryLaunch(group);
      return false;
    }
    const fresh = [...group.instances.values()].find((i) => !before.has(i.id));
    if (!fresh) return false;
    old.replacement = fresh;
    fresh.replaces = old;
    if (cause !== undefined) fresh.replaceCause = cause;
    return true;
  }

  /**
   * AZRebalance (ASG user guide, "Rebalancing activities"; API reference, TerminateInstanceInAutoScalingGroup:
   * "If you decrement the desired capacity, your Auto Scaling group can become unbalanced between
   * Availability Zones. Amazon EC2 Auto Scaling tries to rebalance the group, and rebalancing might terminate
   * instances in other zones"): when the instances in service or launching differ by more than one between
   * two of the group's AZs, the group launches in the emptiest AZ first and, once that instance is
   * InService, terminates one of the fullest AZ (the termination policy's pick; through its terminate hooks),
   * one activity at a time, above desired capacity and up to 10 % over MaxSize as Capacity Rebalancing.
   * Not while Launch or Terminate is suspended (the guide's "with Terminate suspended the group can stay
   * over" is not modelled: it does not start). Whether rebalancing honours scale-in protection is
   * unconfirmed: a protected instance is not picked. The termination's cause is the simulator's wording.
   */
  private rebalanceAzs(group: SimAsg): void {
    if (!group.azRebalance || group.azs.length < 2) return;
    if (group.suspended.has('AZRebalance') || group.suspended.has('Terminate')) return;
    const live = [...group.instances.values()].filter((i) => counted(i));
    if (live.some((i) => i.replaces && i.replacement === undefined && counted(i.replaces))) return;
    const staying = live.filter((i) => !i.replacement);
    const perAz = new Map<string, number>(group.azs.map((az) => [az, 0]));
    for (const i of staying) perAz.set(i.az, (perAz.get(i.az) ?? 0) + 1);
    const counts = [...perAz.values()];
    if (Math.max(...counts) - Math.min(...counts) <= 1) return;
    const emptiest = group.azs.reduce((a, b) => ((perAz.get(b) ?? 0) < (perAz.get(a) ?? 0) ? b : a));
    const most = Math.max(...counts);
    const victim = chooseVictims(group, live.length, this.ctx.clock.nowMs, this.ctx.rng).find(
      (i) => !i.replacement && i.lifecycleState === 'InService' && perAz.get(i.az) === most,
    );
    if (!victim || unitsOf(live) + victim.weight > launchFirstCeiling(group)) return;
    this.launchReplacement(
      group,
      victim,
      emptiest,
      'an instance was taken out of service in response to an Availability Zone rebalancing activity.',
    );
  }

  /**
   * SuspendProcesses / ResumeProcesses (no names: every process). A resumed Launch or Terminate process
   * catches up with desired capacity at once ("gradually" for AZRebalance, not modelled).
   */
  suspendProcesses(group: SimAsg, names: readonly string[], suspend: boolean): void {
    for (const n of names) {
      if (!suspend) group.suspended.delete(n);
      else if (!group.suspended.has(n)) group.suspended.set(n, this.ctx.clock.nowMs);
    }
    if (!suspend) this.requestReconcile(group);
  }

  /**
   * EC2 has no capacity for `type` in `az` now (InsufficientInstanceCapacity; a Spot pool without
   * capacity is modelled the same way): {@link capacityShortage}.
   */
  private short(type: string, az: string): boolean {
    const now = this.ctx.clock.nowMs;
    return this.shortages.some(
      (x) => now < x.untilMs && (!x.types || x.types.includes(type)) && (!x.azs || x.azs.includes(az)),
    );
  }

  /**
   * Makes EC2 refuse launches of the types (default: every type) in the AZs (default: every AZ) until
   * `untilMs` (default: for good). A group then launches what it can (below) and retries the rest.
   */
  capacityShortage(x: { types?: string[]; azs?: string[]; untilMs?: number }): void {
    this.shortages.push({ ...x, untilMs: x.untilMs ?? Number.POSITIVE_INFINITY });
    for (const g of this.groups.values()) this.requestReconcile(g);
  }

  /** A failed launch is retried while desired capacity is not met (ASG user guide: it retries until capacity is available); every 60 s here. */
  private retryLaunch(group: SimAsg): void {
    if (this.retrying.has(group) || !this.ctx.started) return;
    this.retrying.add(group);
    this.ctx.clock.after(60, 'asg:launch-retry', () => {
      this.retrying.delete(group);
      this.reconcile(group);
    });
  }

  /**
   * The types the group tries for its next launch, in order: a plain launch template's type (several:
   * round-robin, a simulator convenience), a prioritized mixed group's overrides in order ("if all your
   * On-Demand capacity cannot be fulfilled using your highest priority instance type, … the second
   * priority instance type, and so on"), lowest-price: the lowest price per unit first (a seeded pick
   * among equal prices, or when a price is unknown), then the others from the cheapest.
   */
  private launchOrder(group: SimAsg): { type: InstanceTypeSpec; weight: number }[] {
    const m = group.mixed;
    if (!m) {
      const n = group.instanceTypes.length;
      const first = group.nextTypeIndex;
      return Array.from({ length: n }, (_, k) => ({
        type: group.instanceTypes[(first + k) % n]!,
        weight: 1,
      }));
    }
    if (m.strategy === 'prioritized') return m.overrides;
    // lowest-price (ASG user guide, allocation strategies): "launches the lowest priced instance types
    // within an Availability Zone first" — per unit of capacity with weights.
    // A type of unknown price: the ASG's choice among all of them.
    const first = m.overrides.some((o) => ON_DEMAND_USD_PER_HOUR[o.type.name] === undefined)
      ? this.ctx.rng.pick(m.overrides)
      : this.ctx.rng.pick(cheapestPerUnit(m.overrides));
    const rest = m.overrides.filter((o) => o !== first).sort((a, b) => perUnitPrice(a) - perUnitPrice(b));
    return [first, ...rest];
  }

  /**
   * Where the next launch goes: the balanced AZ (fewest instances) with the first type EC2 has capacity
   * for; failing that, the other AZs, fewest instances first (`balanced-best-effort`, the default:
   * "if launch attempts fail in an Availability Zone, Auto Scaling attempts to launch instances in
   * another healthy Availability Zone"). Undefined: nothing can launch now.
   */
  private nextLaunch(
    group: SimAsg,
    onlyAz?: string,
  ): { type: InstanceTypeSpec; weight: number; az: string } | undefined {
    const order = this.launchOrder(group);
    const azs = onlyAz === undefined ? launchAzs(group) : [onlyAz];
    if (this.shortages.length === 0) {
      if (!group.mixed) group.nextTypeIndex++;
      return { ...order[0]!, az: azs[0]! };
    }
    for (const a of azs) {
      const k = order.findIndex((o) => !this.short(o.type.name, a));
      if (k >= 0) {
        if (!group.mixed) group.nextTypeIndex += k + 1;
        return { ...order[k]!, az: a };
      }
    }
    return undefined;
  }

  /** Keeps `minSize` stopped instances in the warm pool (launched, booted once, stopped; never registered). */
  private fillWarmPool(group: SimAsg): void {
    if (!group.warmPool) return;
    const warm = [...group.instances.values()].filter((i) => i.lifecycleState.startsWith('Warmed')).length;
    for (let k = warm; k < group.warmPool.minSize; k++) this.launch(group, true);
  }

  /** A warm-pool instance joins the group: it starts (faster than a cold launch) and its agent reconnects. */
  private fromWarmPool(inst: SimAsgInstance): void {
    const { clock, rng } = this.ctx;
    inst.lifecycleState = 'Pending';
    inst.ec2State = 'pending';
    inst.protectedFromScaleIn = inst.group.newInstancesProtectedFromScaleIn;
    clock.after(
      Math.ceil(inst.group.bootSeconds / 3) + rng.between(0, inst.group.jitterSeconds),
      'asg:warm-start',
      () => {
        if (inst.lifecycleState !== 'Pending') return;
        this.inService(inst);
        clock.after(inst.group.registerSeconds, 'ecs:agent-back', () => {
          // A reused instance keeps its container instance (and its status, DRAINING if it was drained).
          if (inst.containerInstance) this.ecs.setAgentConnected(inst.containerInstance, true);
          else this.register(inst);
        });
      },
    );
  }

  /** Instances of every group that EC2 runs or holds (not terminated): what the quota counts. */
  private instanceCount(): number {
    let n = 0;
    for (const g of this.groups.values())
      for (const i of g.instances.values()) if (i.ec2State !== 'terminated') n++;
    return n;
  }

  private launch(group: SimAsg, intoWarmPool = false, onlyAz?: string): number {
    const { rng, clock } = this.ctx;
    const pooled =
      intoWarmPool || onlyAz !== undefined
        ? undefined
        : [...group.instances.values()].find((i) => i.lifecycleState === 'Warmed:Stopped');
    if (pooled && this.ctx.started) {
      this.fromWarmPool(pooled);
      return pooled.weight;
    }
    const next = this.nextLaunch(group, onlyAz);
    if (!next) return 0;
    const { type, weight, az } = next;
    const inst: SimAsgInstance = {
      id: `i-${rng.hex(17)}`,
      group,
      az,
      type,
      lifecycleState: 'Pending',
      health: 'Healthy',
      protectedFromScaleIn: group.newInstancesProtectedFromScaleIn,
      launchedAt: clock.nowMs,
      launchTemplateVersion: group.launchTemplate.version,
      spot: rng.chance(group.spotShare),
      ec2State: 'pending',
      willRegister: !rng.chance(group.neverRegisterShare),
      weight,
    };
    group.instances.set(inst.id, inst);
    if (intoWarmPool) {
      inst.lifecycleState = 'Warmed:Pending';
      inst.protectedFromScaleIn = false;
      const stop = () => {
        inst.lifecycleState = 'Warmed:Stopped';
        inst.ec2State = 'stopped';
      };
      if (this.ctx.started) clock.after(group.bootSeconds, 'asg:warm-prepare', stop);
      else stop();
      return weight;
    }
    if (!this.ctx.started) {
      this.inService(inst);
      this.register(inst);
      return weight;
    }
    clock.after(group.bootSeconds + rng.between(0, group.jitterSeconds), 'asg:boot', () => {
      if (inst.lifecycleState !== 'Pending') return;
      if (group.launchHook) this.launchWait(inst, group.launchHook);
      else this.launched(inst);
    });
    return weight;
  }

  /**
   * A launch hook holds the booted instance in Pending:Wait (running: EC2 has started it) until its action
   * is completed or times out (EC2 Auto Scaling user guide, "How lifecycle hooks work"); the event names
   * Origin EC2, Destination AutoScalingGroup (a cold launch; ecs-facts §4.3). Unless the agent waits for
   * the hook, it registers during the wait: ECS knows nothing of Auto Scaling states.
   */
  private launchWait(inst: SimAsgInstance, hook: LaunchHookSpec): void {
    const { clock, rng } = this.ctx;
    inst.lifecycleState = 'Pending:Wait';
    inst.ec2State = 'running';
    const a = this.newAction(hook);
    inst.launchAction = a;
    this.armLaunchTimeout(inst);
    this.ctx.emit('aws.autoscaling', 'EC2 Instance-launch Lifecycle Action', [inst.group.arn], () => ({
      LifecycleActionToken: a.token,
      AutoScalingGroupName: inst.group.name,
      LifecycleHookName: hook.name,
      EC2InstanceId: inst.id,
      LifecycleTransition: 'autoscaling:EC2_INSTANCE_LAUNCHING',
      ...(hook.notificationMetadata !== undefined ? { NotificationMetadata: hook.notificationMetadata } : {}),
      Origin: 'EC2',
      Destination: 'AutoScalingGroup',
    }));
    if (hook.completeAfterSeconds !== undefined) {
      const result =
        hook.abandonShare !== undefined && rng.chance(hook.abandonShare)
          ? 'ABANDON'
          : (hook.result ?? 'CONTINUE');
      clock.after(hook.completeAfterSeconds, 'asg:launch-hook-owner', () => {
        if (inst.launchAction === a) this.completeLaunch(inst, result);
      });
    }
    if (!hook.agentAfterHook) {
      clock.after(inst.group.registerSeconds + rng.between(0, inst.group.jitterSeconds), 'ecs:register', () =>
        this.register(inst),
      );
    }
  }

  /** A lifecycle action of `hook` starting now: the heartbeat timeout, within min(48 h, 100 × heartbeat). */
  private newAction(hook: LifecycleHookSpec): LifecycleAction {
    const now = this.ctx.clock.nowMs;
    const hb = (hook.heartbeatTimeout ?? 3600) * 1000;
    return {
      hookName: hook.name,
      token: this.ctx.rng.uuid(),
      startedAt: now,
      heartbeatDeadline: now + hb,
      globalDeadline: now + Math.min(48 * 3600 * 1000, 100 * hb),
    };
  }

  private armLaunchTimeout(inst: SimAsgInstance): void {
    const a = inst.launchAction!;
    a.timer?.cancel();
    a.timer = this.ctx.clock.at(
      Math.min(a.heartbeatDeadline, a.globalDeadline),
      'asg:launch-hook-timeout',
      () => {
        if (inst.launchAction === a)
          this.completeLaunch(inst, inst.group.launchHook?.defaultResult ?? 'ABANDON');
      },
    );
  }

  /**
   * The launch action ends: CONTINUE puts the instance in service (Pending:Proceed → InService); ABANDON
   * terminates it ("Amazon EC2 Auto Scaling can terminate the instance") and the group launches another to
   * meet desired. Whether terminate hooks run for an abandoned launch AWS does not say: here they do not
   * (the instance was never in service).
   */
  completeLaunch(inst: SimAsgInstance, result: 'CONTINUE' | 'ABANDON'): void {
    inst.launchAction?.timer?.cancel();
    inst.launchAction = undefined;
    if (result === 'CONTINUE') {
      inst.lifecycleState = 'Pending:Proceed';
      this.launched(inst);
      return;
    }
    inst.terminationCause = `At ${new Date(this.ctx.clock.nowMs).toISOString()} an instance was taken out of service because its launch lifecycle action was abandoned.`;
    inst.terminatingSince = this.ctx.clock.nowMs;
    inst.launchAbandoned = true;
    this.proceed(inst);
    this.requestReconcile(inst.group);
  }

  /** The instance of the launch action a CompleteLifecycleAction / heartbeat names, if one waits. */
  launchActionOf(
    group: SimAsg,
    hookName: string | undefined,
    instanceId: string | undefined,
    token: string | undefined,
  ): SimAsgInstance | undefined {
    for (const inst of group.instances.values()) {
      const a = inst.launchAction;
      if (!a || a.hookName !== hookName) continue;
      if (token ? a.token === token : inst.id === instanceId) return inst;
    }
    return undefined;
  }

  /** RecordLifecycleActionHeartbeat of a launch action: restarts the heartbeat, capped by the global timeout. */
  launchHeartbeat(inst: SimAsgInstance): void {
    const a = inst.launchAction!;
    a.heartbeatDeadline = this.ctx.clock.nowMs + (inst.group.launchHook?.heartbeatTimeout ?? 3600) * 1000;
    this.armLaunchTimeout(inst);
  }

  /** The instance is in service: the ASG's launch activity ends and the agent starts (if it has not). */
  private launched(inst: SimAsgInstance): void {
    const { clock, rng } = this.ctx;
    const group = inst.group;
    this.inService(inst);
    const old = inst.replaces;
    if (old && old.lifecycleState === 'InService') {
      this.beginTerminate(
        old,
        inst.replaceCause ??
          'an instance was taken out of service in response to an EC2 instance rebalance recommendation.',
      );
    }
    const activity = rng.uuid();
    this.ctx.emit('aws.autoscaling', 'EC2 Instance Launch Successful', [group.arn, this.ec2Arn(inst)], () =>
      activityDetail(inst, 'launch', activity, inst.launchedAt, clock.nowMs),
    );
    clock.after(group.registerSeconds + rng.between(0, group.jitterSeconds), 'ecs:register', () =>
      this.register(inst),
    );
  }

  private inService(inst: SimAsgInstance): void {
    inst.lifecycleState = 'InService';
    inst.ec2State = 'running';
  }

  private register(inst: SimAsgInstance): void {
    const cluster = inst.group.cluster;
    if (!inst.willRegister || !cluster || inst.ec2State !== 'running' || inst.containerInstance) return;
    const c = this.ecs.cluster(cluster);
    const provider = c ? capacityProviderOfGroup(c, inst.group.name) : undefined;
    inst.containerInstance = this.ecs.registerContainerInstance({
      cluster,
      ec2InstanceId: inst.id,
      instanceType: inst.type,
      az: inst.az,
      ...(provider ? { capacityProviderName: provider } : {}),
      ...(inst.group.agentReservedMemory ? { reservedMemory: inst.group.agentReservedMemory } : {}),
      ...(inst.group.agentAttributes
        ? { attributes: Object.entries(inst.group.agentAttributes).map(([name, value]) => ({ name, value })) }
        : {}),
    });
  }

  /**
   * Starts terminating: through the termination hook (Terminating:Wait) when the group has one. With
   * `toWarmPool` (ReuseOnScaleIn) the instance goes to the warm pool instead: the hook runs at
   * Warmed:Pending:Wait with Destination WarmPool, then the instance is stopped, not terminated.
   */
  beginTerminate(inst: SimAsgInstance, cause: string, toWarmPool = false): void {
    if (inst.lifecycleState.startsWith('Terminat') || inst.lifecycleState.startsWith('Warmed')) return;
    inst.launchAction?.timer?.cancel();
    inst.launchAction = undefined;
    inst.toWarmPool = toWarmPool;
    const { clock } = this.ctx;
    inst.terminationCause = `At ${new Date(clock.nowMs).toISOString()} ${cause}`;
    inst.terminatingSince = clock.nowMs;
    const hook = inst.group.hooks[0];
    if (!hook) {
      this.proceed(inst);
      return;
    }
    inst.lifecycleState = toWarmPool ? 'Warmed:Pending:Wait' : 'Terminating:Wait';
    inst.action = this.newAction(hook);
    this.armTimeout(inst);
    const { token } = inst.action;
    this.ctx.emit('aws.autoscaling', 'EC2 Instance-terminate Lifecycle Action', [inst.group.arn], () =>
      withDestination(inst, terminateLifecycleDetail(inst, hook.name, token, hook.notificationMetadata)),
    );
    // Every further terminate hook runs its own lifecycle action; the instance proceeds once all are
    // completed or timed out (EC2 Auto Scaling user guide, "lifecycle hooks"; sim/coexist.ts).
    for (const extra of inst.group.hooks.slice(1)) this.startExtraAction(inst, extra);
  }

  /** Lifecycle actions of the hooks after the first, by instance. */
  private readonly extraActions = new Map<SimAsgInstance, LifecycleAction[]>();

  private startExtraAction(
    inst: SimAsgInstance,
    hook: LifecycleHookSpec & { completeAfterSeconds?: number },
  ): void {
    const { clock } = this.ctx;
    const a = this.newAction(hook);
    this.extraActions.set(inst, [...(this.extraActions.get(inst) ?? []), a]);
    a.timer = clock.at(a.heartbeatDeadline, 'asg:hook-timeout', () => this.finishExtra(inst, a));
    if (hook.completeAfterSeconds !== undefined) {
      clock.after(hook.completeAfterSeconds, 'asg:hook-owner-completes', () => this.finishExtra(inst, a));
    }
    this.ctx.emit('aws.autoscaling', 'EC2 Instance-terminate Lifecycle Action', [inst.group.arn], () =>
      withDestination(inst, terminateLifecycleDetail(inst, hook.name, a.token, hook.notificationMetadata)),
    );
  }

  /** CompleteLifecycleAction of a hook after the first; false when no such action is pending. */
  completeExtra(instanceId: string | undefined, hookName: string | undefined, token?: string): boolean {
    for (const [inst, actions] of this.extraActions) {
      const a = actions.find(
        (x) => x.hookName === hookName && (token ? x.token === token : inst.id === instanceId),
      );
      if (a) {
        this.finishExtra(inst, a);
        return true;
      }
    }
    return false;
  }

  private finishExtra(inst: SimAsgInstance, a: LifecycleAction): void {
    const left = (this.extraActions.get(inst) ?? []).filter((x) => x !== a);
    if (left.length === (this.extraActions.get(inst) ?? []).length) return;
    a.timer?.cancel();
    if (left.length > 0) this.extraActions.set(inst, left);
    else this.extraActions.delete(inst);
    if (
      left.length === 0 &&
      !inst.action &&
      (inst.lifecycleState === 'Terminating:Wait' || inst.lifecycleState === 'Warmed:Pending:Wait')
    )
      this.proceed(inst);
  }

  private armTimeout(inst: SimAsgInstance): void {
    const a = inst.action!;
    a.timer?.cancel();
    a.timer = this.ctx.clock.at(Math.min(a.heartbeatDeadline, a.globalDeadline), 'asg:hook-timeout', () => {
      if (inst.action !== a) return;
      const hook = inst.group.hooks.find((h) => h.name === a.hookName);
      const result = hook?.defaultResult ?? 'ABANDON';
      this.ctx.violation(
        'lifecycle-action-timed-out',
        `Lifecycle action of ${inst.id} (${a.hookName}) timed out; DefaultResult ${result} applied.`,
        {
          instanceId: inst.id,
          hook: a.hookName,
          waitedSeconds: (this.ctx.clock.nowMs - a.startedAt) / 1000,
        },
      );
      inst.action = undefined;
      if ((this.extraActions.get(inst)?.length ?? 0) > 0) return;
      this.proceed(inst);
    });
  }

  /** RecordLifecycleActionHeartbeat: restarts the heartbeat timeout, capped by the global timeout. */
  heartbeat(inst: SimAsgInstance): void {
    const a = inst.action!;
    const hook = inst.group.hooks.find((h) => h.name === a.hookName);
    a.heartbeatDeadline = this.ctx.clock.nowMs + (hook?.heartbeatTimeout ?? 3600) * 1000;
    this.armTimeout(inst);
  }

  /** CompleteLifecycleAction: for termination both CONTINUE and ABANDON terminate the instance. */
  complete(inst: SimAsgInstance): void {
    inst.action?.timer?.cancel();
    inst.action = undefined;
    // Other hooks still hold it: it proceeds when the last one is done.
    if ((this.extraActions.get(inst)?.length ?? 0) > 0) return;
    this.proceed(inst);
  }

  /** Terminating:Proceed → EC2 shutting down → terminated (container instance deregistered). */
  private proceed(inst: SimAsgInstance): void {
    const { clock, rng } = this.ctx;
    inst.action = undefined;
    if (inst.toWarmPool) {
      // Stopped into the warm pool: tasks still on it die with the stop; the agent disconnects and the
      // container instance stays registered (with its status) until the instance starts again.
      inst.toWarmPool = false;
      this.checkNoTasks(inst, 'warm-pool-stop');
      inst.lifecycleState = 'Warmed:Stopped';
      inst.ec2State = 'stopped';
      inst.protectedFromScaleIn = false;
      if (inst.containerInstance) this.ecs.setAgentConnected(inst.containerInstance, false);
      this.requestReconcile(inst.group);
      return;
    }
    inst.lifecycleState = 'Terminating:Proceed';
    if (inst.ec2State !== 'terminated') {
      inst.ec2State = 'shutting-down';
      // An abandoned launch's tasks (its agent registered during the wait) die with it: Auto Scaling's doing.
      if (!inst.launchAbandoned) this.checkNoTasks(inst, 'scale-in');
    }
    const start = clock.nowMs;
    clock.after(this.ctx.settings.ec2TerminateSeconds, 'ec2:terminated', () => {
      this.ec2Gone(inst);
      inst.lifecycleState = 'Terminated';
      inst.group.instances.delete(inst.id);
      this.terminated.push(inst);
      const activity = rng.uuid();
      this.ctx.emit(
        'aws.autoscaling',
        'EC2 Instance Terminate Successful',
        [inst.group.arn, this.ec2Arn(inst)],
        () => activityDetail(inst, 'terminate', activity, start, clock.nowMs),
      );
      this.requestReconcile(inst.group);
    });
  }

  private ec2Gone(inst: SimAsgInstance): void {
    if (inst.ec2State === 'terminated') return;
    inst.ec2State = 'terminated';
    inst.terminatedAt = this.ctx.clock.nowMs;
    if (inst.containerInstance) this.ecs.ec2Terminated(inst.containerInstance);
  }

  private checkNoTasks(inst: SimAsgInstance, cause: string): void {
    const ci = inst.containerInstance;
    if (!ci) return;
    const live = [...ci.tasks].filter(
      (t) => t.lastStatus !== 'STOPPED' && t.service?.schedulingStrategy !== 'DAEMON',
    );
    if (live.length > 0) {
      this.ctx.violation(
        'instance-terminated-with-tasks',
        `Instance ${inst.id} was terminated with ${live.length} non-daemon task(s) not STOPPED.`,
        {
          instanceId: inst.id,
          cause,
          // How long its termination was held (lifecycle hooks) before it proceeded.
          heldSeconds:
            inst.terminatingSince === undefined ? 0 : (this.ctx.clock.nowMs - inst.terminatingSince) / 1000,
          tasks: live.map((t) => ({ taskArn: t.arn, group: t.group, lastStatus: t.lastStatus })),
        },
      );
    }
  }

  /**
   * Spot interruption: the warning (and optionally a rebalance recommendation) now, the reclaim two
   * minutes later. A lifecycle hook cannot delay the reclaim; the group then replaces the instance.
   */
  interruptSpot(inst: SimAsgInstance, opts: { rebalance?: boolean; warningSeconds?: number } = {}): void {
    const { clock } = this.ctx;
    if (opts.rebalance) this.rebalanceRecommendation(inst);
    this.ctx.emit('aws.ec2', 'EC2 Spot Instance Interruption Warning', [spotInstanceArn(inst)], () => ({
      'instance-id': inst.id,
      'instance-action': 'terminate',
    }));
    clock.after(opts.warningSeconds ?? 120, 'ec2:spot-reclaim', () => {
      if (inst.ec2State === 'terminated') return;
      this.checkNoTasks(inst, 'spot-interruption');
      this.ec2Gone(inst);
      inst.health = 'Unhealthy';
      this.beginTerminate(
        inst,
        'an instance was taken out of service in response to an EC2 health check indicating it has been terminated or stopped.',
      );
      this.requestReconcile(inst.group);
    });
  }

  /**
   * An EC2 instance rebalance recommendation (the Spot instance is at elevated risk of interruption; the
   * interruption itself may follow or not). With CapacityRebalance on, the group replaces it.
   */
  rebalanceRecommendation(inst: SimAsgInstance): void {
    const { settings } = this.ctx;
    this.ctx.emit(
      'aws.ec2',
      'EC2 Instance Rebalance Recommendation',
      [`arn:aws:ec2:${settings.region}:${settings.accountId}:instance/${inst.id}`],
      () => ({ 'instance-id': inst.id }),
    );
    if (!inst.group.capacityRebalance || !inst.spot || inst.lifecycleState !== 'InService') return;
    inst.atRisk = true;
    this.requestReconcile(inst.group);
  }

  /** EnterStandby: out of service (not counted); without decrement the group launches a replacement. */
  enterStandby(inst: SimAsgInstance, decrement: boolean): void {
    inst.lifecycleState = 'Standby';
    if (decrement) inst.group.desired -= inst.weight;
    this.requestReconcile(inst.group);
  }

  /** ExitStandby: back in service; desired capacity grows by its weight (ASG API reference). */
  exitStandby(inst: SimAsgInstance): void {
    inst.lifecycleState = 'InService';
    inst.group.desired += inst.weight;
    this.requestReconcile(inst.group);
  }

  /**
   * The operator's new launch template version, then StartInstanceRefresh (instance-refresh.ts).
   * @returns the refresh.
   */
  startInstanceRefresh(
    group: SimAsg,
    prefs: {
      minHealthyPercentage?: number;
      instanceWarmupSeconds?: number;
      scaleInProtectedInstances?: 'Refresh' | 'Ignore' | 'Wait';
    },
  ): SimInstanceRefresh {
    const r: SimInstanceRefresh = {
      id: this.ctx.rng.uuid(),
      status: 'Pending',
      startTime: this.ctx.clock.nowMs,
      minHealthyPercentage: prefs.minHealthyPercentage ?? 90,
      instanceWarmupSeconds: prefs.instanceWarmupSeconds ?? 0,
      scaleInProtectedInstances: prefs.scaleInProtectedInstances ?? 'Wait',
      instancesToUpdate: toReplace(group).length,
      total: countedInstances(group).length,
    };
    group.refreshes.unshift(r);
    this.ctx.clock.after(REFRESH_STEP_SECONDS, 'asg:instance-refresh', () =>
      refreshStep(this.ctx, this, group, r),
    );
    return r;
  }

  private ec2Arn(i: SimAsgInstance): string {
    return `arn:aws:ec2:${this.ctx.settings.region}:${this.ctx.settings.accountId}:instance/${i.id}`;
  }
}
