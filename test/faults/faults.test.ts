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
import { FAULT_SCENARIOS } from './scenarios.js';

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
});
