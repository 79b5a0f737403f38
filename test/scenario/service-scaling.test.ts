/**
 * Service scaling on the simulator, with the real service-scaler, cluster-scaler and instance-drainer
 * handlers (bench/service-scaling.ts builds and runs the world; `npm run bench:service` prints it):
 * a CPU spike on a service in a nearly full cluster, then the load falls.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { runServiceScenario, type ServiceScenarioResult } from '../../bench/service-scaling.js';
import { DEFAULT_SCALE_IN_COOLDOWN_SECONDS } from '../../shared/core/service/policy.js';

let aware: ServiceScenarioResult;
let waiting: ServiceScenarioResult;

beforeAll(async () => {
  aware = await runServiceScenario({ clusterAware: true });
  waiting = await runServiceScenario({ clusterAware: false });
}, 120_000);

describe('a CPU spike in a nearly full cluster, cluster-aware', () => {
  it('runs without invariant violations or failed invocations', () => {
    expect(aware.violations).toEqual([]);
    expect(aware.failedInvocations).toEqual([]);
  });

  it('scales the service out and has the cluster scaler grow the cluster within seconds (one writer per group)', () => {
    expect(aware.firstScaleOutTo).toBeGreaterThan(12); // more than the cluster holds
    // The service scaler asks through the cluster queue; only the cluster scaler writes the group.
    expect(aware.firstGrowthBy).toBe('cluster-scaler');
    expect(Math.abs(aware.firstGrowthAt! - aware.firstScaleOutAt!)).toBeLessThan(5);
  });

  it('has every new task RUNNING within instance boot time + task start', () => {
    expect(aware.firstTargetRunningAt).toBeDefined();
    expect(aware.firstTargetRunningAt! - aware.firstScaleOutAt!).toBeLessThanOrEqual(
      aware.bootAndStartSeconds,
    );
  });

  it('scales the service in after its scale-in cooldown, never below its minimum', () => {
    expect(aware.firstScaleInAt).toBeDefined();
    expect(aware.firstScaleInAt!).toBeGreaterThanOrEqual(
      aware.lastScaleOutAt! + DEFAULT_SCALE_IN_COOLDOWN_SECONDS,
    );
    expect(aware.finalDesired).toBeLessThan(aware.peakDesired);
    expect(aware.finalDesired).toBeGreaterThanOrEqual(2);
  });

  it('then scales the cluster in by draining, without terminating an instance that runs tasks', () => {
    expect(aware.firstDrainAt).toBeDefined();
    expect(aware.firstDrainAt!).toBeGreaterThan(aware.firstScaleInAt!);
    expect(aware.finalDesiredCapacity).toBeLessThan(aware.peakInstances);
    expect(aware.violations.filter((v) => v.includes('instance-terminated-with-tasks'))).toEqual([]);
  });
});

describe('the same spike when the cluster waits for its own scaler', () => {
  it('grows the cluster later, from the cluster scaler', () => {
    expect(waiting.failedInvocations).toEqual([]);
    expect(waiting.firstScaleOutAt).toBe(aware.firstScaleOutAt);
    expect(waiting.firstGrowthBy).toBe('cluster-scaler');
    expect(waiting.firstGrowthAt!).toBeGreaterThan(waiting.firstScaleOutAt!);
  });

  it('leaves tasks pending at least as long as the cluster-aware run', () => {
    console.log(
      `pending task-minutes: cluster-aware ${aware.pendingTaskMinutes}, waiting ${waiting.pendingTaskMinutes}`,
    );
    expect(aware.pendingTaskMinutes).toBeLessThanOrEqual(waiting.pendingTaskMinutes);
    expect(aware.firstTargetRunningAt!).toBeLessThanOrEqual(waiting.firstTargetRunningAt!);
  });
});
