/**
 * Act, for the cluster scaler: applies a {@link ClusterPlan} in the order that keeps a failure halfway
 * safe to retry (the next invocation re-plans from a fresh snapshot; every target is absolute):
 *
 * 1. protect new members from ASG scale-in (SetInstanceProtection) — so the ASG never picks a busy one;
 *    set the group's NewInstancesProtectedFromScaleIn once (protected from launch on); remove the
 *    protection from instances an instance refresh replaces (issue 13);
 * 2. scale-out: SetDesiredCapacity, then the state tags (a `last-scale-out` written before a failed
 *    SetDesiredCapacity would only delay the retry);
 * 3. reactivate own draining instances (ACTIVE), then terminate own empty draining ones
 *    (TerminateInstanceInAutoScalingGroup, ShouldDecrementDesiredCapacity=true — false for `keepDesired`,
 *    when someone lowered desired below the members; scale-in protection does not apply to this call,
 *    EC2 Auto Scaling user guide "Use instance scale-in protection"); when a decrement by a member's
 *    weight would go below MinSize, SetDesiredCapacity to what stays comes first (lowered-desired.ts);
 * 4. the container-instance attributes (the own-drain marks and the foreign-state clocks, issue 14):
 *    puts before draining — an instance set DRAINING without its mark would look ownerless — and
 *    deletes after the reactivation above;
 * 5. drain the scale-in candidates (UpdateContainerInstancesState DRAINING);
 * 6. the state tags (scale-in pacing `unneeded`, last-scale-in, last-scale-out) — after the writes they
 *    record: own drains are marked per instance (step 4), so no tag is needed to find them; a drain that
 *    failed (throttled after the retries) leaves the pacing as it was and the next decision drains the
 *    same instances at once. Written first, the pacing recorded a removal that had not happened and the
 *    instances waited the whole unneeded time again (issue 15: `no-convergence` under throttling);
 * 7. mark long-disconnected members Unhealthy (SetInstanceHealth; opt-in), so the ASG replaces them.
 *
 * Dry run writes nothing. Each write is logged with its outcome.
 */
import type { ClusterPlan } from '../core/cluster/planner.js';
import { logger } from '../runtime/logger.js';
import type { ClusterWriter } from './cluster-writer.js';

/** What {@link applyClusterPlan} did. */
export interface ClusterActOutcome {
  dryRun: boolean;
  /** Writes made, in order (`action target`). */
  writes: string[];
  /** Container instances ECS refused to change (`failures`), with the reason. */
  failures: { arn: string; reason: string }[];
}

/** Applies `plan` through `writer`; in dry run only reports what it would do. */
export const applyClusterPlan = async (
  plan: ClusterPlan,
  writer: ClusterWriter,
  options: { dryRun: boolean },
): Promise<ClusterActOutcome> => {
  const outcome: ClusterActOutcome = { dryRun: options.dryRun, writes: [], failures: [] };
  // Several managed groups (issue 13): each group's plan is applied on its own, in the planner's order.
  if (plan.groupPlans && plan.groupPlans.length > 0) {
    for (const groupPlan of plan.groupPlans) {
      const one = await applyClusterPlan(groupPlan, writer, options);
      outcome.writes.push(...one.writes);
      outcome.failures.push(...one.failures);
    }
    return outcome;
  }
  const asg = plan.autoScalingGroup;
  if (!asg) return outcome;
  const step = async (what: string, run: () => Promise<void>): Promise<void> => {
    outcome.writes.push(what);
    if (options.dryRun) return;
    await run();
    logger.info('aws write done', { cluster: plan.cluster, asg, write: what });
  };
  const setState = async (arns: string[], status: 'DRAINING' | 'ACTIVE'): Promise<void> => {
    if (arns.length === 0) return;
    await step(`UpdateContainerInstancesState ${status} ${arns.length}`, async () => {
      const failed = await writer.setContainerInstancesState(plan.cluster, arns, status);
      outcome.failures.push(...failed);
      if (failed.length > 0)
        logger.warn('container instances not changed', { cluster: plan.cluster, failed });
    });
  };

  if (plan.protect.length > 0) {
    await step(`SetInstanceProtection ${plan.protect.join(',')}`, () =>
      writer.protectInstances(asg, plan.protect),
    );
  }
  if (plan.protectNewInstances && writer.protectNewInstances) {
    await step(`UpdateAutoScalingGroup NewInstancesProtectedFromScaleIn ${asg}`, () =>
      writer.protectNewInstances!(asg),
    );
  }
  const unprotect = plan.unprotect ?? [];
  if (unprotect.length > 0) {
    // An instance refresh replaces them: the scaler's protection would make it wait an hour and fail.
    await step(`SetInstanceProtection false ${unprotect.join(',')}`, () =>
      writer.protectInstances(asg, unprotect, false),
    );
  }
  if (plan.action === 'scale-out' && plan.desiredCapacity.proposed !== plan.desiredCapacity.current) {
    await step(`SetDesiredCapacity ${plan.desiredCapacity.proposed}`, () =>
      writer.setDesiredCapacity(asg, plan.desiredCapacity.proposed),
    );
  }
  await setState(
    plan.activate.map((a) => a.containerInstanceArn),
    'ACTIVE',
  );
  if (plan.desiredBeforeTerminate !== undefined && plan.terminate.length > 0 && plan.action !== 'scale-out') {
    // A decrement would take desired below MinSize (the ASG overshot with a heavy type): desired goes to
    // what stays first; the terminations below then keep it (lowered-desired.ts).
    const to = plan.desiredBeforeTerminate;
    await step(`SetDesiredCapacity ${to} (before terminating)`, () => writer.setDesiredCapacity(asg, to));
  }
  const keepDesired = new Set(plan.keepDesired ?? []);
  for (const id of plan.terminate) {
    // Desired capacity someone lowered below the members is not decremented further (lowered-desired.ts).
    const keep = keepDesired.has(id);
    await step(`TerminateInstanceInAutoScalingGroup ${id}${keep ? ' (desired kept)' : ''}`, () =>
      writer.terminateInstance(id, !keep),
    );
  }
  const attrs = plan.attributes ?? { put: [], delete: [] };
  if (attrs.put.length > 0) {
    await step(`PutAttributes ${attrs.put.length}`, () =>
      writer.writeAttributes(plan.cluster, attrs.put, false),
    );
  }
  if (attrs.delete.length > 0) {
    await step(`DeleteAttributes ${attrs.delete.length}`, () =>
      writer.writeAttributes(plan.cluster, attrs.delete, true),
    );
  }
  await setState(
    plan.drain.map((d) => d.containerInstanceArn),
    'DRAINING',
  );
  if (Object.keys(plan.stateTags).length > 0) {
    await step(`CreateOrUpdateTags ${Object.keys(plan.stateTags).join(',')}`, () =>
      writer.tagGroup(asg, plan.stateTags),
    );
  }
  for (const id of plan.markUnhealthy ?? []) {
    await step(`SetInstanceHealth Unhealthy ${id}`, () => writer.markUnhealthy(id));
  }
  return outcome;
};
