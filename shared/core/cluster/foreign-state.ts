/**
 * Foreign state: what the scaler finds in its group that it did not cause, and the documented rules for it
 * (docs/coexistence.md). None of it freezes a decision:
 *
 * - **own drains** are marked on the container instance (attribute {@link OWN_DRAIN_ATTRIBUTE}, the drain
 *   start in epoch seconds), not in an ASG tag: per-instance state where it belongs, within AWS's limits at
 *   any max-step (an ASG tag value holds 256 characters, ecs-facts §4.8; 13 instance ids do not fit). Ids
 *   in the old `ecs-autoscaler:draining` tag are still honoured and migrated to the attribute;
 * - **ownerless DRAINING** members (a person, a Spot rebalance, a tool; not the scaler's, no lifecycle
 *   action holds them — those are not members): no capacity, no destination, no blocker. Seen first at
 *   {@link FOREIGN_DRAIN_SEEN_ATTRIBUTE}; once empty and older than `foreignDrainGraceSeconds` the scaler
 *   terminates them, decrementing desired capacity (they give nothing and cost an instance); while a task
 *   runs on one it is only reported — never terminated with a job;
 * - **disconnected agents** (ACTIVE, agentConnected false): no capacity, no destination, no blocker. Seen
 *   first at {@link DISCONNECTED_SEEN_ATTRIBUTE}; beyond `disconnectedGraceSeconds` reported, and with
 *   `ecs-autoscaler:replace-disconnected=true` marked Unhealthy (SetInstanceHealth) so the ASG replaces it,
 *   as cluster-autoscaler removes nodes unready for too long;
 * - **impaired** (ASG HealthStatus Unhealthy) and **unregistered** members: the ASG replaces the former,
 *   the boot timeout and the halt deal with the latter; neither blocks the scale-in of healthy idle
 *   instances.
 *
 * Pure: the snapshot's container-instance attributes are the memory; time is `now`.
 */
import { attributeOf } from '../attributes.js';
import type { CapacityAnalysis, InstanceView } from '../capacity/capacity.js';
import { SPOT_WARNING_ATTRIBUTE } from '../drain/config.js';
import type {
  AsgInstance,
  AutoScalingGroup,
  ClusterSnapshot,
  ContainerInstance,
} from '../snapshot/snapshot.js';
import { capacitySinceWrites } from './capacity-since.js';
import { type GroupState, isMember } from './group-state.js';
import { instanceTasks, isEmpty } from './instance-tasks.js';
import type { ClusterPolicy } from './policy.js';

/** Container-instance attribute marking the scaler's own scale-in drain; value: its start, epoch seconds. */
export const OWN_DRAIN_ATTRIBUTE = 'ecs-autoscaler.scale-in-started-at';
/** When the scaler first saw a DRAINING member it did not drain (epoch seconds). */
export const FOREIGN_DRAIN_SEEN_ATTRIBUTE = 'ecs-autoscaler.foreign-drain-seen-at';
/** When the scaler first saw an ACTIVE member with its agent disconnected (epoch seconds). */
export const DISCONNECTED_SEEN_ATTRIBUTE = 'ecs-autoscaler.disconnected-seen-at';

/** A container-instance attribute to put (with `value`) or delete. ECS PutAttributes / DeleteAttributes. */
export interface AttributeWrite {
  containerInstanceArn: string;
  name: string;
  value?: string;
}

/** Epoch seconds from an attribute value; undefined when absent or not a number. */
const epoch = (v: string | undefined): number | undefined =>
  v !== undefined && /^\d{1,12}$/.test(v) ? Number(v) : undefined;

/** `now` as the attributes store it. */
export const epochSeconds = (now: Date): string => String(Math.floor(now.getTime() / 1000));

const rawInstances = (snapshot: ClusterSnapshot): Map<string, ContainerInstance> =>
  new Map(snapshot.containerInstances.map((ci) => [ci.containerInstanceArn, ci]));

/** The scaler's own drains of `group`. */
export interface OwnDrains {
  /** EC2 ids of members that are DRAINING and marked as the scaler's (attribute or legacy tag). */
  ids: string[];
  /** Drain start (epoch seconds) by EC2 id, when the attribute records it. */
  startedAt: Map<string, number>;
  /** Marks to write: legacy-tag drains get the attribute (migration). */
  put: AttributeWrite[];
  /** Marks to remove: members marked as own drains that someone set ACTIVE again. */
  delete: AttributeWrite[];
  /** The legacy `draining` tag lists ids: write it empty (the ids now live in the attributes). */
  clearLegacyTag: boolean;
}

/**
 * Finds the scaler's own drains: DRAINING members carrying {@link OWN_DRAIN_ATTRIBUTE}, or named by the
 * legacy `ecs-autoscaler:draining` tag (`legacy`, as read by readScalingState).
 */
export const ownDrains = (
  snapshot: ClusterSnapshot,
  analysis: CapacityAnalysis,
  group: AutoScalingGroup,
  legacy: readonly string[],
  now: Date,
): OwnDrains => {
  const raw = rawInstances(snapshot);
  const members = new Set(group.Instances.filter(isMember).map((m) => m.InstanceId));
  const out: OwnDrains = {
    ids: [],
    startedAt: new Map(),
    put: [],
    delete: [],
    clearLegacyTag: legacy.length > 0,
  };
  for (const ci of analysis.instances) {
    const id = ci.ec2InstanceId;
    if (!id || !members.has(id)) continue;
    const rawCi = raw.get(ci.containerInstanceArn);
    const mark = attributeOf(rawCi, OWN_DRAIN_ATTRIBUTE);
    // A Spot-warned instance is the drainer's drain, even when it was the scaler's first: never set ACTIVE
    // again (the reclaim takes it within two minutes).
    if (
      ci.status === 'DRAINING' &&
      attributeOf(rawCi, SPOT_WARNING_ATTRIBUTE) === undefined &&
      (mark !== undefined || legacy.includes(id))
    ) {
      out.ids.push(id);
      const start = epoch(mark);
      if (start !== undefined) out.startedAt.set(id, start);
      else {
        out.startedAt.set(id, Math.floor(now.getTime() / 1000));
        out.put.push({
          containerInstanceArn: ci.containerInstanceArn,
          name: OWN_DRAIN_ATTRIBUTE,
          value: epochSeconds(now),
        });
      }
    } else if (ci.status === 'ACTIVE' && mark !== undefined) {
      out.delete.push({ containerInstanceArn: ci.containerInstanceArn, name: OWN_DRAIN_ATTRIBUTE });
    }
  }
  return out;
};

/** What the foreign-state rules found and want written, for one group. */
export interface ForeignStatePlan {
  /** EC2 ids of DRAINING members the scaler did not drain. */
  foreignDraining: string[];
  /** EC2 ids of ACTIVE members whose agent is disconnected. */
  disconnected: string[];
  /** Members the ASG reports Unhealthy. */
  impaired: string[];
  /** Ownerless DRAINING members that are empty and past the grace period: terminate (decrement). */
  terminate: string[];
  /** Disconnected past the grace period, with replace-disconnected on: SetInstanceHealth Unhealthy. */
  markUnhealthy: string[];
  put: AttributeWrite[];
  delete: AttributeWrite[];
  /** Container instances whose task list would tell whether an ownerless DRAINING member is empty. */
  needsTasks: string[];
  reasons: string[];
}

const mins = (s: number): string => `${Math.round(s / 60)} min`;

/**
 * Applies the rules above to the group's members.
 * @param own EC2 ids of the scaler's own drains (see {@link ownDrains}).
 */
export const assessForeignState = (
  snapshot: ClusterSnapshot,
  analysis: CapacityAnalysis,
  gs: GroupState,
  own: readonly string[],
  policy: ClusterPolicy,
  now: Date,
): ForeignStatePlan => {
  const raw = rawInstances(snapshot);
  const nowS = Math.floor(now.getTime() / 1000);
  const memberOf = new Map<string, AsgInstance>(gs.members.map((m) => [m.InstanceId, m]));
  const plan: ForeignStatePlan = {
    foreignDraining: [],
    disconnected: [],
    impaired: [...gs.unhealthy],
    terminate: [],
    markUnhealthy: [],
    put: [],
    delete: [],
    needsTasks: [],
    reasons: [],
  };
  /** Seconds since `name` was first seen on `ci` (0, and recorded now, when it was not). */
  const seenFor = (ci: InstanceView, name: string): number => {
    const at = epoch(attributeOf(raw.get(ci.containerInstanceArn), name));
    if (at !== undefined) return Math.max(0, nowS - at);
    plan.put.push({ containerInstanceArn: ci.containerInstanceArn, name, value: String(nowS) });
    return 0;
  };
  const forget = (ci: InstanceView, name: string): void => {
    if (attributeOf(raw.get(ci.containerInstanceArn), name) !== undefined) {
      plan.delete.push({ containerInstanceArn: ci.containerInstanceArn, name });
    }
  };

  for (const [id, ci] of gs.registered) {
    if (ci.status === 'DRAINING' && !own.includes(id)) {
      plan.foreignDraining.push(id);
      const seen = seenFor(ci, FOREIGN_DRAIN_SEEN_ATTRIBUTE);
      const tasks = instanceTasks(snapshot, analysis, ci);
      if (seen < policy.foreignDrainGraceSeconds) {
        plan.reasons.push(
          `${id} is DRAINING but not by the scaler (seen ${mins(seen)} ago): no capacity, not a blocker; terminated once empty after ${mins(policy.foreignDrainGraceSeconds)}`,
        );
      } else if (!tasks.complete) {
        // Its list tells whether it is empty (while it runs tasks the planner reads it from the first
        // sight, for the tasks it hands over: displaced.ts).
        plan.needsTasks.push(ci.containerInstanceArn);
        plan.reasons.push(
          `${id} is DRAINING, ownerless for ${mins(seen)}: its task list tells whether it is empty`,
        );
      } else if (isEmpty(tasks)) {
        plan.terminate.push(id);
        plan.reasons.push(
          `${id} is DRAINING, ownerless for ${mins(seen)} and empty: terminate it and decrement desired capacity (docs/coexistence.md)`,
        );
      } else {
        plan.reasons.push(
          `${id} is DRAINING, ownerless for ${mins(seen)}, and still runs ${tasks.nonDaemon.length} task(s): left alone (a job is never killed); set it ACTIVE or stop the tasks`,
        );
      }
    } else {
      forget(ci, FOREIGN_DRAIN_SEEN_ATTRIBUTE);
    }
    if (ci.status === 'ACTIVE' && !ci.agentConnected) {
      plan.disconnected.push(id);
      const seen = seenFor(ci, DISCONNECTED_SEEN_ATTRIBUTE);
      if (seen < policy.disconnectedGraceSeconds) {
        plan.reasons.push(
          `${id} has its ECS agent disconnected (seen ${mins(seen)} ago): no capacity, not a scale-in destination, not a blocker`,
        );
      } else if (policy.replaceDisconnected && memberOf.get(id)?.HealthStatus !== 'Unhealthy') {
        plan.markUnhealthy.push(id);
        plan.reasons.push(
          `${id} has had its ECS agent disconnected for ${mins(seen)} (grace ${mins(policy.disconnectedGraceSeconds)}): mark it Unhealthy so the ASG replaces it (ecs-autoscaler:replace-disconnected=true)`,
        );
      } else {
        plan.reasons.push(
          `${id} has had its ECS agent disconnected for ${mins(seen)}: check the instance (agent logs, instance profile, network); tag ecs-autoscaler:replace-disconnected=true to have it replaced`,
        );
      }
    } else if (ci.agentConnected) {
      // Its agent is back: capacity again from now (an older ECS placement failure is stale, capacity-since.ts).
      if (
        ci.status === 'ACTIVE' &&
        attributeOf(raw.get(ci.containerInstanceArn), DISCONNECTED_SEEN_ATTRIBUTE)
      ) {
        plan.put.push(...capacitySinceWrites([ci.containerInstanceArn], now));
      }
      forget(ci, DISCONNECTED_SEEN_ATTRIBUTE);
    }
  }
  if (plan.impaired.length > 0) {
    plan.reasons.push(
      `${plan.impaired.length} instance(s) are Unhealthy in the ASG (${plan.impaired.join(', ')}): the ASG replaces them; not scale-in candidates or destinations`,
    );
  }
  return plan;
};

/**
 * Whether a task holds its instance like a job: a standalone task (not `service:<name>`; a drain does
 * not stop it, ecs-facts §6) or a task with ECS task scale-in protection on and not expired.
 */
export const isJobTask = (
  snapshot: ClusterSnapshot,
  task: { taskArn: string; group?: string | undefined },
  now?: Date,
): boolean => {
  if (!task.group?.startsWith('service:')) return true;
  const p = snapshot.protectedTasks?.find((x) => x.taskArn === task.taskArn);
  if (!p?.protectionEnabled) return false;
  return !p.expirationDate || !now || Date.parse(p.expirationDate) > now.getTime();
};
