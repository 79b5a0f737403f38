/**
 * The fault-injection suite at a small size (18 runs; `npm run test:faults -- --runs N` runs more):
 * the project's real handlers on the simulator, every scenario of the scaler and drain issues under
 * injected faults; no invariant may be violated. A failure lists each violation with the command that
 * reproduces it.
 */
import { describe, expect, it } from 'vitest';
import { quietPowertoolsWarnings } from '../../bench/lib/quiet.js';
import { type FaultViolation, reproduce, runOnce, smallMatrix } from './run-matrix.js';

quietPowertoolsWarnings();

describe('fault injection (small matrix)', () => {
  it('keeps every invariant under throttling, 5xx, partial failures, event faults and killed invocations', async () => {
    const violations: FaultViolation[] = [];
    const runs = smallMatrix();
    for (const run of runs) violations.push(...(await runOnce(run)));
    const lines = violations.map((v) => `${v.kind} at ${v.t}s: ${v.message} — ${reproduce(v)}`);
    expect(runs.length).toBe(18);
    expect(lines).toEqual([]);
  }, 180_000);
});
