/**
 * When the cluster last gained placement capacity, so that an ECS placement-failure event is read as what
 * it is: evidence about the capacity that existed when ECS emitted it (ecs-facts §1.1, §3.1). Capacity
 * that arrived after the event makes it stale (docs/placement.md "When ECS says it cannot place"):
 *
 * - an instance that **registered** after it (`registeredAt`);
 * - an instance the scaler **set ACTIVE** after it — its own drains reactivated, an instance back from a
 *   warm pool (it keeps its container instance and its old `registeredAt`, ecs-facts §4.3) — and an ACTIVE
 *   instance whose **agent reconnected** after the scaler saw it disconnected (ecs-facts §7.5: only
 *   connected, non-DRAINING instances take placements). DescribeContainerInstances has no time for either
 *   change, so the scaler writes one: the container-instance attribute {@link CAPACITY_SINCE_ATTRIBUTE}
 *   (epoch seconds of the decision that set it ACTIVE or saw the agent back; at most one tick late).
 *
 * Instances still booting or coming back (in flight) are not here: the sizing counts them already, and a
 * demand ECS refused may go on them.
 *
 * Pure.
 */
import { attributeOf } from '../attributes.js';
import type { ClusterSnapshot, ContainerInstance } from '../snapshot/snapshot.js';

/** A container-instance attribute write (the shape of foreign-state.ts's `AttributeWrite`). */
interface AttributeWrite {
  containerInstanceArn: string;
  name: string;
  value?: string;
}

/** Container-instance attribute: when the instance last became placement capacity (epoch seconds). */
export const CAPACITY_SINCE_ATTRIBUTE = 'ecs-autoscaler.capacity-since';

/** The attribute value for `now`. */
const epochSeconds = (now: Date): string => String(Math.floor(now.getTime() / 1000));

/** The attribute to put on each of `containerInstanceArns` that becomes capacity at `now`. */
export const capacitySinceWrites = (containerInstanceArns: readonly string[], now: Date): AttributeWrite[] =>
  containerInstanceArns.map((containerInstanceArn) => ({
    containerInstanceArn,
    name: CAPACITY_SINCE_ATTRIBUTE,
    value: epochSeconds(now),
  }));

/** When `ci` last became capacity, per the scaler's attribute (ISO-8601), if it records it. */
const capacitySince = (ci: ContainerInstance): string | undefined => {
  const v = attributeOf(ci, CAPACITY_SINCE_ATTRIBUTE);
  return v !== undefined && /^\d{1,12}$/.test(v) ? new Date(Number(v) * 1000).toISOString() : undefined;
};

/**
 * The newest capacity change in the snapshot (ISO-8601; '' when none is known): the newest registration
 * of any container instance, and the newest {@link CAPACITY_SINCE_ATTRIBUTE} of an instance that is
 * capacity now (ACTIVE, agent connected).
 */
export const lastCapacityChange = (snapshot: ClusterSnapshot): string => {
  let newest = '';
  for (const ci of snapshot.containerInstances) {
    const reg = ci.registeredAt ?? '';
    if (reg > newest) newest = reg;
    if (ci.status !== 'ACTIVE' || !ci.agentConnected) continue;
    const since = capacitySince(ci) ?? '';
    if (since > newest) newest = since;
  }
  return newest;
};

/**
 * Whether an ECS placement-failure event still speaks for the current capacity: it does unless capacity
 * arrived after it. An event without a time counts only where no capacity change is known.
 */
export const placementFailureIsCurrent = (
  eventCreatedAt: string | undefined,
  snapshot: ClusterSnapshot,
): boolean => (eventCreatedAt ?? '') >= lastCapacityChange(snapshot);

/** The part of a cluster plan {@link stampCapacitySince} reads and writes. */
export interface StampablePlan {
  activate: readonly { containerInstanceArn: string }[];
  attributes?: { put: AttributeWrite[]; delete: AttributeWrite[] };
  groupPlans?: StampablePlan[];
}

/**
 * Adds {@link CAPACITY_SINCE_ATTRIBUTE} = `now` for every instance the plan sets ACTIVE, to the plan and
 * to each group's plan (the actuator applies those when present). Returns `plan`.
 */
export const stampCapacitySince = <P extends StampablePlan>(plan: P, now: Date): P => {
  const stamp = (p: StampablePlan): void => {
    if (p.activate.length === 0) return;
    p.attributes ??= { put: [], delete: [] };
    const have = new Set(
      p.attributes.put.filter((a) => a.name === CAPACITY_SINCE_ATTRIBUTE).map((a) => a.containerInstanceArn),
    );
    const arns = [...new Set(p.activate.map((a) => a.containerInstanceArn))].filter((a) => !have.has(a));
    p.attributes.put.push(...capacitySinceWrites(arns, now));
  };
  stamp(plan);
  for (const g of plan.groupPlans ?? []) stamp(g);
  return plan;
};
