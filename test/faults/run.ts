/**
 * `npm run test:faults -- [--runs N] [--seed S] [--scenario NAME] [--profile NAME]`
 *
 * Fault injection on the simulator: every scenario × every fault profile × seeds (N runs in all, rounded
 * up to whole seeds; default one seed per pair). Prints each violation with the command that reproduces
 * it; the last line is exactly `fault-injection: <runs> runs, <violations> violations`. Exit code 1 when
 * there is a violation.
 */
import '../../bench/lib/silent-env.js';
import { quietPowertoolsWarnings } from '../../bench/lib/quiet.js';
import { liveHeapMb, option } from '../../bench/lib/runner.js';
import { FAULT_PROFILES } from './profiles.js';
import { faultMatrix, reproduce, runOnce } from './run-matrix.js';
import { FAULT_SCENARIOS } from './scenarios.js';

process.env.AWS_REGION ??= 'us-east-1';
quietPowertoolsWarnings();

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => option(args, name);
const pairs = FAULT_SCENARIOS.length * FAULT_PROFILES.length;
const runsWanted = Number(opt('--runs') ?? pairs);
const firstSeed = Number(opt('--seed') ?? 1);
const scenario = opt('--scenario');
const profile = opt('--profile');
if (scenario && !FAULT_SCENARIOS.some((s) => s.name === scenario)) {
  throw new Error(`unknown scenario '${scenario}'; known: ${FAULT_SCENARIOS.map((s) => s.name).join(', ')}`);
}
if (profile && !FAULT_PROFILES.some((p) => p.name === profile)) {
  throw new Error(`unknown profile '${profile}'; known: ${FAULT_PROFILES.map((p) => p.name).join(', ')}`);
}
const selected = (scenario || profile ? 1 : 0) > 0;
const seeds = selected ? Math.max(1, Number(opt('--runs') ?? 1)) : Math.max(1, Math.ceil(runsWanted / pairs));
const runs = faultMatrix(seeds, firstSeed).filter(
  (r) => (!scenario || r.scenario.name === scenario) && (!profile || r.profile.name === profile),
);

const started = performance.now();
let violations = 0;
// Memory is bounded: runs share nothing (run-matrix.ts `isolate`), so the heap after a run stays flat
// however many runs came before. Sampled after each run; printed as first / peak / last.
const heapMb = liveHeapMb();
const heap: number[] = [];
for (const [i, run] of runs.entries()) {
  let found: Awaited<ReturnType<typeof runOnce>>;
  try {
    found = await runOnce(run);
  } catch (error) {
    // A run that crashes (a handler error escaping the simulator, a harness bug) counts as a violation.
    const { scenario, profile, seed } = run;
    found = [
      {
        scenario: scenario.name,
        profile: profile.name,
        seed,
        t: -1,
        kind: 'run-crashed',
        message: String(error),
      },
    ];
  }
  violations += found.length;
  for (const v of found) {
    console.log(
      `VIOLATION ${v.kind} at ${v.t}s in ${v.scenario} / ${v.profile} / seed ${v.seed}: ${v.message}`,
    );
    console.log(`  reproduce: ${reproduce(v)}`);
  }
  if (i % 10 === 0 || i === runs.length - 1) heap.push(heapMb());
  if (process.stderr.isTTY) process.stderr.write(`\r${i + 1}/${runs.length} runs`);
}
if (process.stderr.isTTY) process.stderr.write('\n');
const scope =
  scenario || profile
    ? `${scenario ?? 'every scenario'} × ${profile ?? 'every fault profile'}`
    : `${FAULT_SCENARIOS.length} scenarios × ${FAULT_PROFILES.length} fault profiles`;
console.log(
  `${runs.length} runs (${scope} × seeds from ${firstSeed}) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
);
if (heap.length > 0) {
  console.log(
    `memory (live heap after a GC, every 10 runs): after run 1 ${heap[0]!.toFixed(0)} MB, ` +
      `peak ${Math.max(...heap).toFixed(0)} MB, ` +
      `after the last run ${heap.at(-1)!.toFixed(0)} MB; rss ${(process.memoryUsage().rss / 1024 / 1024).toFixed(0)} MB`,
  );
}
console.log(`fault-injection: ${runs.length} runs, ${violations} violations`);
process.exitCode = violations > 0 ? 1 : 0;
