/**
 * The fault-injection suite at a small size (two runs per scenario; `npm run test:faults -- --runs N`
 * runs more): the project's real handlers on the simulator, every scenario of the scaler, drain and
 * service-scaler issues under injected faults; no invariant may be violated. A failure lists each
 * violation with the command that reproduces it. Also: the harness itself (isolated runs, faults on
 * scheduled events).
 */
import { describe, expect, it } from 'vitest';
import { quietPowertoolsWarnings } from '../../bench/lib/quiet.js';
import type { Sim } from '../../sim/index.js';
import { FAULT_PROFILES } from './profiles.js';
import { type FaultRun, type FaultViolation, reproduce, runOnce, smallMatrix } from './run-matrix.js';
import { FAULT_CLUSTER, FAULT_SCENARIOS } from './scenarios.js';

quietPowertoolsWarnings();

const run = (scenario: string, profile: string, seed: number): FaultRun => ({
  scenario: FAULT_SCENARIOS.find((s) => s.name === scenario)!,
  profile: FAULT_PROFILES.find((p) => p.name === profile)!,
  seed,
});

/** What a run did: its API calls by command, its invocations and its violations. */
const fingerprint = async (r: FaultRun): Promise<string> => {
  let calls = '';
  const violations = await runOnce(r, {
    inspect: (sim: Sim) => {
      calls = JSON.stringify([[...sim.apiCalls].sort(), sim.invocations.length]);
    },
  });
  return `${calls} ${JSON.stringify(violations)}`;
};

describe('fault injection (small matrix)', () => {
  it('keeps every invariant under throttling, 5xx, partial failures, event faults and killed invocations', async () => {
    const violations: FaultViolation[] = [];
    const runs = smallMatrix();
    for (const r of runs) violations.push(...(await runOnce(r)));
    const lines = violations.map((v) => `${v.kind} at ${v.t}s: ${v.message} — ${reproduce(v)}`);
    expect(runs.length).toBe(2 * FAULT_SCENARIOS.length);
    expect(new Set(runs.map((r) => r.profile.name)).size).toBe(FAULT_PROFILES.length - 1);
    expect(runs.some((r) => r.scenario.serviceScaling)).toBe(true);
    expect(lines).toEqual([]);
  }, 240_000);
});

describe('fault harness', () => {
  it('isolates runs: a run gives the same calls and violations alone and after other runs', async () => {
    const a = run('spike', 'everything', 1);
    const alone = await fingerprint(a);
    await runOnce(run('ramp-up', 'everything', 1));
    await runOnce(run('ramp-down', 'throttling', 2));
    expect(await fingerprint(a)).toBe(alone);
  }, 120_000);

  it('applies event faults to scheduled events too (a lost sweep is lost)', async () => {
    const r = run('operator-terminates-busy-instance', 'none', 1);
    let sweeps = -1;
    await runOnce(
      {
        ...r,
        profile: {
          name: 'all-sweeps-lost',
          outageSeconds: 0,
          apply: (sim) => void sim.faults.events({ kind: 'lose', detailType: 'Scheduled Event' }),
        },
      },
      {
        inspect: (sim) => {
          sweeps = sim.invocations.filter(
            (i) => i.fn === 'instance-drainer' && i.trigger === 'Scheduled Event',
          ).length;
        },
      },
    );
    expect(sweeps).toBe(0);
  }, 60_000);

  it('the pending-task check still catches a scaler that never scales out while its decisions are delivered', async () => {
    // ramp-up with no fault, but the cluster scaler's handler does nothing: every tick reaches it, none
    // scales out. The web tasks of the ramp (4 → 10 at 300 s) wait; the check must say so.
    const violations = await runOnce({
      ...run('ramp-up', 'none', 1),
      profile: {
        name: 'idle-scaler',
        outageSeconds: 0,
        apply: (sim) =>
          sim.at(1, () => {
            sim.lambdas.functions.get('cluster-scaler')!.handler = async () => ({ batchItemFailures: [] });
          }),
      },
    });
    const pending = violations.filter((v) => v.kind === 'task-pending-without-scale-out');
    expect(pending.length).toBeGreaterThan(0);
    // Two decisions after the ramp began at 300 s — the tick at 300 s and the request ECS's placement
    // failure of the ramp's tasks sends at once — boot + registration + jitter + 30 s later: the first
    // sample after 300 + 150 s. (Without the placement-failure request the second is the tick at 360 s.)
    expect(pending[0]!.t).toBe(480);
    expect(pending[0]!.message).toMatch(/task\(s\) of web pending for 180 s/);
  }, 60_000);

  it('the pending-task check does not count decisions the injector killed', async () => {
    // The same ramp with every cluster-scaler invocation killed after one call: no decision reaches the
    // scaler, so the check has nothing to hold it to (tasks wait; that is the fault, not the scaler).
    const killed = await runOnce({
      ...run('ramp-up', 'none', 1),
      profile: {
        name: 'every-scaler-invocation-killed',
        outageSeconds: 0,
        apply: (sim) => void sim.faults.invocations({ function: 'cluster-scaler', killAfterApiCalls: 1 }),
      },
    });
    expect(killed.filter((v) => v.kind === 'task-pending-without-scale-out')).toEqual([]);
  }, 60_000);

  /**
   * The operator-terminates-busy-instance run (no demand change after the operator's termination at 600 s)
   * with a scripted cluster scaler: each step runs at its first invocation at or after the step's time.
   */
  const scripted = (
    name: string,
    steps: { at: number; act: (sim: Sim) => Promise<void> }[],
    arrange?: (sim: Sim) => void,
  ): FaultRun => ({
    ...run('operator-terminates-busy-instance', 'none', 1),
    profile: {
      name,
      outageSeconds: 0,
      apply: (sim: Sim) =>
        sim.at(1, () => {
          arrange?.(sim);
          let next = 0;
          sim.lambdas.functions.get('cluster-scaler')!.handler = async () => {
            const step = steps[next];
            if (step && sim.elapsedSeconds >= step.at) {
              next++;
              await step.act(sim);
            }
            return { batchItemFailures: [] };
          };
        }),
    },
  });
  const group = (sim: Sim) => sim.asg.groups.get(FAULT_CLUSTER.asg)!;
  const inService = (sim: Sim) =>
    [...group(sim).instances.values()].filter((x) => x.lifecycleState === 'InService');
  const raiseDesired = async (sim: Sim) => {
    await sim.call('autoscaling', 'SetDesiredCapacity', {
      AutoScalingGroupName: FAULT_CLUSTER.asg,
      DesiredCapacity: group(sim).desired + 1,
    });
  };
  const terminate = (sim: Sim, id: string, decrement: boolean) =>
    sim.call('autoscaling', 'TerminateInstanceInAutoScalingGroup', {
      InstanceId: id,
      ShouldDecrementDesiredCapacity: decrement,
    });
  const reversalsOf = async (r: FaultRun) =>
    (await runOnce(r)).filter((v) => v.kind === 'direction-reversal');

  it('the reversal check catches a scaler that terminates right after it scaled out, not the end of a drain begun before', async () => {
    // After 1200 s the scaler picks an instance (setting it DRAINING when `drainFirst`), after 1260 s it
    // raises desired capacity, after 1320 s it terminates the instance, decrementing. Without the drain
    // that is a reversal; with it, the end of a scale-in begun before the scale-out.
    const build = (drainFirst: boolean) => {
      let victim = '';
      return scripted(drainFirst ? 'drain-then-scale-out' : 'scale-out-then-terminate', [
        {
          at: 1200,
          act: async (sim) => {
            const i = inService(sim).find((x) => x.containerInstance?.status === 'ACTIVE')!;
            victim = i.id;
            if (!drainFirst) return;
            await sim.call('ecs', 'UpdateContainerInstancesState', {
              cluster: FAULT_CLUSTER.name,
              containerInstances: [i.containerInstance!.arn],
              status: 'DRAINING',
            });
          },
        },
        { at: 1260, act: raiseDesired },
        { at: 1320, act: async (sim) => void (await terminate(sim, victim, true)) },
      ]);
    };
    const flapped = await reversalsOf(build(false));
    expect(flapped).toHaveLength(1);
    expect(flapped[0]!.t).toBeGreaterThanOrEqual(1320);
    expect(flapped[0]!.message).toMatch(/after a change the other way/);
    expect(await reversalsOf(build(true))).toEqual([]);
  }, 60_000);

  it('the reversal check forgives a scale-out that follows capacity someone else took away', async () => {
    // After 1200 s the scaler terminates an instance, decrementing; after 1290 s it raises desired
    // capacity. With an operator's termination at 1245 s in between, the scale-out answers that loss (its
    // tasks need room as a demand rise's do); without it, it reverses the scale-in.
    const build = (operator: boolean) =>
      scripted(
        operator ? 'operator-in-between' : 'in-then-out',
        [
          { at: 1200, act: async (sim) => void (await terminate(sim, inService(sim)[0]!.id, true)) },
          { at: 1290, act: raiseDesired },
        ],
        (sim) => {
          if (operator) sim.at(1245, async () => void (await terminate(sim, inService(sim)[1]!.id, false)));
        },
      );
    expect(await reversalsOf(build(false))).toHaveLength(1);
    expect(await reversalsOf(build(true))).toEqual([]);
  }, 60_000);
});
