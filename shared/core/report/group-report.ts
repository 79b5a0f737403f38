/**
 * The report's per-group section (issue 13): for every managed group, the types it launches in the order
 * it launches them, their weights (units per instance), what one unit holds for tasks, the unit of its
 * desired capacity, and whether the plan grows, shrinks or holds it, with its reasons. Text-free values;
 * the CLI renders them (cli/render-table.ts).
 */
import type { Resources } from '../capacity/resources.js';
import type { ClusterPlan } from '../cluster/planner.js';

/** One type a group launches. CPU units, MiB, GPUs. */
export interface GroupTypeReport {
  instanceType: string;
  weight: number;
  /** Registered capacity of one instance (null: unknown). */
  registered: Resources | null;
  /** What one unit holds for tasks: (registered − daemons) / weight (null: unknown). */
  perUnit: Resources | null;
  /** Where `registered` came from: tags, registered instances, instance-type table. */
  source: string;
  priceUsdHour: number | null;
}

/** One managed group in the report. */
export interface GroupReport {
  autoScalingGroup: string;
  /** `instances`, `units`, `vcpu` or `memory-mib`: what desired/min/max count. */
  unit: string;
  types: GroupTypeReport[];
  /** Whether new instances arrive in `types` order (prioritized) or the ASG chooses at launch. */
  launchOrderKnown: boolean;
  strategy: string;
  desiredCapacity: { current: number; proposed: number };
  limits: { min: number; max: number } | null;
  /** What the plan does to this group. */
  change: 'grows' | 'shrinks' | 'holds';
  /** The plan's reasons for this group. */
  reasons: string[];
}

const per = (r: Resources | undefined, w: number): Resources | null =>
  r ? { CPU: Math.floor(r.CPU / w), MEMORY: Math.floor(r.MEMORY / w), GPU: r.GPU / w } : null;

/** The per-group section of a plan (one entry per managed group; several groups: their plans). */
export const groupReports = (plan: ClusterPlan): GroupReport[] =>
  (plan.groupPlans && plan.groupPlans.length > 0 ? plan.groupPlans : plan.autoScalingGroup ? [plan] : []).map(
    (p) => ({
      autoScalingGroup: p.autoScalingGroup ?? '',
      unit: p.fleet?.unit ?? 'instances',
      types: (p.fleet?.options ?? []).map((o) => ({
        instanceType: o.instanceType,
        weight: o.weight,
        registered: o.registered ?? null,
        perUnit: per(o.free, o.weight),
        source: o.source,
        priceUsdHour: o.priceUsdHour ?? null,
      })),
      launchOrderKnown: p.fleet?.orderKnown ?? true,
      strategy: p.fleet?.strategy ?? '',
      desiredCapacity: { ...p.desiredCapacity },
      limits: p.limits ? { ...p.limits } : null,
      change:
        p.desiredCapacity.proposed > p.desiredCapacity.current
          ? 'grows'
          : p.desiredCapacity.proposed < p.desiredCapacity.current || p.drain.length > 0
            ? 'shrinks'
            : 'holds',
      reasons: [...p.reasons],
    }),
  );
