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
});
