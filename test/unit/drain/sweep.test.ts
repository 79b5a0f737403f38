/**
 * The sweeper at scale (issue 15): 150 held instances at 100 ms per call used to take ~75 s in a row,
 * past the 60 s timeout: the sweep was killed and retried, and hooks timed out. Now it works on a few
 * instances at a time and yields before the timeout, and the next sweep starts with the others.
 */
import { describe, expect, it } from 'vitest';
import type { DrainDeps } from '../../../functions/instance-drainer/drain-instance.js';
import { SWEEP_CONCURRENCY, sweep } from '../../../functions/instance-drainer/sweep.js';
import type { DrainAutoScalingPort } from '../../../shared/aws/drain-autoscaling.js';
import type { DrainEcsPort } from '../../../shared/aws/drain-ecs.js';
import { withBudget } from '../../../shared/aws/retry.js';

const HELD = 150;
const ids = Array.from({ length: HELD }, (_, i) => `i-${i.toString(16).padStart(17, '0')}`);

/** Ports whose every call takes 100 ms of a virtual clock, counting the calls in flight. */
const fakeAccount = () => {
  const state = {
    elapsedMs: 0,
    inFlight: 0,
    maxInFlight: 0,
    callsAfterDeadline: 0,
    heartbeats: new Set<string>(),
  };
  const call = async <T>(value: T): Promise<T> => {
    state.inFlight++;
    state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
    await Promise.resolve();
    state.elapsedMs += 100;
    if (state.elapsedMs > 60_000) state.callsAfterDeadline++;
    state.inFlight--;
    return value;
  };
  const ecs: DrainEcsPort = {
    findContainerInstance: (_c, id) =>
      call({
        arn: `arn:ci/${id}`,
        status: 'DRAINING',
        ec2InstanceId: id,
        drainStartedAt: new Date(Date.UTC(2025, 0, 1)),
      }),
    describeContainerInstance: () => call(undefined),
    // ListTasks ×2, DescribeTasks, DescribeServices.
    listInstanceTasks: async (_c, arn) => {
      for (let i = 0; i < 3; i++) await call(undefined);
      return call([{ taskArn: `${arn}/task`, lastStatus: 'RUNNING', daemon: false, serviceName: 'web' }]);
    },
    setDraining: () => call(undefined),
    recordDrainStart: () => call(undefined),
  };
  const autoscaling: DrainAutoScalingPort = {
    describeInstance: () => call(undefined),
    describeGroup: () => call(undefined),
    listManagedGroups: () =>
      call([
        {
          name: 'big-asg',
          tags: [{ Key: 'ecs-autoscaler:cluster', Value: 'big' }],
          capacityRebalance: false,
          instances: ids.map((instanceId) => ({ instanceId, lifecycleState: 'Terminating:Wait' })),
        },
      ]),
    listTerminateHooks: () =>
      call([
        {
          name: 'ecs-drain',
          transition: 'autoscaling:EC2_INSTANCE_TERMINATING',
          heartbeatTimeoutSeconds: 300,
        },
      ]),
    completeLifecycleAction: () => call('done' as const),
    recordHeartbeat: async (_a, _h, id) => {
      state.heartbeats.add(id);
      return call('done' as const);
    },
  };
  const deps: DrainDeps = { ecs, autoscaling, sweepIntervalSeconds: 60 };
  const budget = { remainingMs: () => 60_000 - state.elapsedMs };
  return { state, deps, budget };
};

describe('sweeper at scale', () => {
  const minute = (n: number) => new Date(Date.UTC(2025, 0, 1, 1, n));

  it('works on several held instances at once, within the concurrency limit', async () => {
    const { state, deps, budget } = fakeAccount();
    await withBudget(budget, () => sweep(deps, { dryRun: false, maxDrainSeconds: 7200 }, minute(0)));
    expect(state.maxInFlight).toBeGreaterThan(1);
    expect(state.maxInFlight).toBeLessThanOrEqual(SWEEP_CONCURRENCY);
  });

  it('yields before the function timeout instead of being killed, and says so', async () => {
    const { state, deps, budget } = fakeAccount();
    const result = await withBudget(budget, () =>
      sweep(deps, { dryRun: false, maxDrainSeconds: 7200 }, minute(0)),
    );
    expect(state.callsAfterDeadline).toBe(0);
    expect(result.yielded).toBeGreaterThan(0);
    expect(result.results.length + (result.yielded ?? 0)).toBe(HELD);
  });

  it('heartbeats every held instance within two sweeps (the next sweep starts where this one yielded)', async () => {
    const covered = new Set<string>();
    for (const n of [1, 2]) {
      const { state, deps, budget } = fakeAccount();
      await withBudget(budget, () => sweep(deps, { dryRun: false, maxDrainSeconds: 7200 }, minute(n)));
      for (const id of state.heartbeats) covered.add(id);
    }
    expect(covered.size).toBe(HELD);
  });
});
