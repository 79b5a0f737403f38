/**
 * Instance refresh (EC2 Auto Scaling user guide "Use an instance refresh to update instances"), modelled
 * independently of the autoscaler:
 * - it replaces the group's Pending/InService instances whose launch template version differs from the
 *   group's (the operator updated the template first), terminate-first (MaxHealthyPercentage 100):
 *   a batch may take the healthy InService count down to MinHealthyPercentage of the instances at the
 *   start (at least one instance at a time); the group launches the replacements (desired unchanged);
 * - the next batch starts once the replacements are InService for the instance warm-up;
 * - `ScaleInProtectedInstances`: `Wait` (default) does not replace protected instances and fails the
 *   refresh after one hour of waiting on them; `Ignore` skips them; `Refresh` replaces them anyway;
 * - instances terminate through the group's terminate lifecycle hook, like any other termination.
 */
import type { SimContext } from '../core/context.js';
import type { SimAsg, SimAsgInstance, SimInstanceRefresh } from './model.js';

/** What the refresh needs from the Auto Scaling world. */
export interface RefreshHost {
  beginTerminate(inst: SimAsgInstance, cause: string): void;
  requestReconcile(group: SimAsg): void;
}

/** Seconds between two looks of the refresh at the group. */
export const REFRESH_STEP_SECONDS = 15;
/** How long `Wait` waits on protected instances before the refresh fails (ASG user guide). */
export const PROTECTED_WAIT_SECONDS = 3600;

const members = (g: SimAsg): SimAsgInstance[] =>
  [...g.instances.values()].filter(
    (i) => i.lifecycleState.startsWith('Pending') || i.lifecycleState === 'InService',
  );

/** Instances the refresh still has to replace. */
export const toReplace = (g: SimAsg): SimAsgInstance[] =>
  members(g).filter((i) => i.launchTemplateVersion !== g.launchTemplate.version);

/** One look of the refresh at the group; schedules the next while it runs. */
export const refreshStep = (ctx: SimContext, host: RefreshHost, g: SimAsg, r: SimInstanceRefresh): void => {
  if (r.status !== 'Pending' && r.status !== 'InProgress') return;
  r.status = 'InProgress';
  const now = ctx.clock.nowMs;
  const old = toReplace(g);
  const candidates = old.filter((i) => r.scaleInProtectedInstances === 'Refresh' || !i.protectedFromScaleIn);
  const waitingOnProtected =
    old.length > 0 && candidates.length === 0 && r.scaleInProtectedInstances === 'Wait';
  r.instancesToUpdate = old.length;
  const replacing = [...g.instances.values()].some(
    (i) => i.lifecycleState.startsWith('Terminating') && i.terminationCause?.includes('instance refresh'),
  );
  const all = members(g);
  const warm = all.filter(
    (i) => i.lifecycleState === 'InService' && now - i.launchedAt >= r.instanceWarmupSeconds * 1000,
  );
  const booting = all.length - warm.length;
  if (old.length === 0 || (candidates.length === 0 && r.scaleInProtectedInstances === 'Ignore')) {
    if (!replacing && booting === 0) {
      r.status = 'Successful';
      r.endTime = now;
      return;
    }
  } else if (waitingOnProtected) {
    r.blockedSince ??= now;
    if (now - r.blockedSince >= PROTECTED_WAIT_SECONDS * 1000) {
      r.status = 'Failed';
      r.statusReason = `${old.length} instance(s) are protected from scale-in; the refresh waited ${PROTECTED_WAIT_SECONDS} s for the protection to be removed.`;
      r.endTime = now;
      return;
    }
  } else if (
    !replacing &&
    booting === 0 &&
    // Launch suspended: "InstanceRefresh does not replace instances" (ASG user guide); nor while the
    // InstanceRefresh process itself is suspended.
    !g.suspended.has('Launch') &&
    !g.suspended.has('InstanceRefresh')
  ) {
    r.blockedSince = undefined;
    const minHealthy = Math.ceil((r.total * r.minHealthyPercentage) / 100);
    const batch = Math.max(1, warm.length - minHealthy);
    for (const v of candidates.slice(0, batch)) {
      host.beginTerminate(v, 'an instance was taken out of service in response to an instance refresh.');
    }
    host.requestReconcile(g);
  }
  ctx.clock.after(REFRESH_STEP_SECONDS, 'asg:instance-refresh', () => refreshStep(ctx, host, g, r));
};

/** DescribeInstanceRefreshes item. */
export const refreshShape = (g: SimAsg, r: SimInstanceRefresh) => ({
  InstanceRefreshId: r.id,
  AutoScalingGroupName: g.name,
  Status: r.status,
  ...(r.statusReason ? { StatusReason: r.statusReason } : {}),
  StartTime: new Date(r.startTime),
  ...(r.endTime !== undefined ? { EndTime: new Date(r.endTime) } : {}),
  PercentageComplete:
    r.total === 0 ? 100 : Math.round((100 * (r.total - Math.min(r.total, r.instancesToUpdate))) / r.total),
  InstancesToUpdate: r.instancesToUpdate,
  Preferences: {
    MinHealthyPercentage: r.minHealthyPercentage,
    InstanceWarmup: r.instanceWarmupSeconds,
    ScaleInProtectedInstances: r.scaleInProtectedInstances,
  },
});
