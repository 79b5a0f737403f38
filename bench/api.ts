/**
 * `npm run bench:api` — efficiency figures. Prints; never asserts on time.
 *
 * 1. AWS API calls per decision at 10 / 100 / 1,000 / 5,000 instances against the theoretical minimum
 *    (derived from the APIs' page and batch limits): the capacity report on a snapshot-backed fake AWS
 *    (bench/lib/fake-aws.ts `minimumReadCalls`), cold (empty task-definition cache, a new Lambda
 *    container) and warm (the next invocation); the cluster tick (cold/warm), drain start and drain
 *    finish of the real handlers on the simulator (bench/lib/sim-api-calls.ts states each minimum).
 * 2. Compute time of the decision (analyzeCapacity + planCluster) at each size, median of several runs.
 * 3. Size and cold load time of each function bundle (.esbuild/functions/<name>/handler.mjs, built by
 *    `npm run build`) against a bare `node -e 0`, median of several spawns.
 *
 * Flags: `--runs N` (timing repetitions, default 9), `--no-build` (use the bundles already built),
 * `--bundles` (part 3 only), `--json`.
 */
import './lib/silent-env.js';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { installFakeAws, minimumReadCalls } from './lib/fake-aws.js';
import { quietPowertoolsWarnings } from './lib/quiet.js';
import { type DecisionCalls, measureDecisions } from './lib/sim-api-calls.js';
import { syntheticSnapshot } from './lib/synthetic-cluster.js';

process.env.AWS_REGION ??= 'us-east-1';
process.env.POWERTOOLS_METRICS_DISABLED = 'true';
quietPowertoolsWarnings();

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const RUNS = Math.max(3, Number(flag('--runs') ?? 9));
const JSON_OUT = args.includes('--json');
const SIZES = [10, 100, 1000, 5000];

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const log = (line = ''): void => {
  if (!JSON_OUT) console.log(line);
};

interface CallRow {
  decision: string;
  instances: number;
  cold: number;
  warm: number;
  minimumCold: number;
  minimumWarm: number;
}

/** Calls of the capacity report (observe + decide for one cluster) at one size. */
const reportCalls = async (instances: number): Promise<CallRow> => {
  const { reportCapacity } = await import('../functions/capacity-report/handler.js');
  const { clearTaskDefinitionCache } = await import('../shared/aws/snapshot-reader.js');
  const { analyzeCapacity } = await import('../shared/core/capacity/index.js');
  const { planCluster } = await import('../shared/core/cluster/index.js');
  const { DEFAULT_CLUSTER_POLICY } = await import('../shared/core/cluster/index.js');
  const snapshot = syntheticSnapshot(instances);
  // The instances whose tasks the planner asks for: read by the decision, so part of its minimum.
  const plan = planCluster(snapshot, analyzeCapacity(snapshot), DEFAULT_CLUSTER_POLICY, new Date());
  const needs: string[] = (plan as { needsTasks?: string[] }).needsTasks ?? [];
  const fake = installFakeAws(snapshot);
  try {
    clearTaskDefinitionCache();
    await reportCapacity({ clusters: ['bench'] });
    const cold = Object.values(fake.calls).reduce((a, b) => a + b, 0);
    fake.reset();
    await reportCapacity({ clusters: ['bench'] });
    const warm = Object.values(fake.calls).reduce((a, b) => a + b, 0);
    return {
      decision: 'report',
      instances,
      cold,
      warm,
      minimumCold: minimumReadCalls(snapshot, false, needs),
      minimumWarm: minimumReadCalls(snapshot, true, needs),
    };
  } finally {
    fake.restore();
  }
};

/** Median milliseconds of analyzeCapacity + planCluster on a synthetic snapshot. */
const computeTime = async (
  instances: number,
): Promise<{ instances: number; tasks: number; medianMs: number }> => {
  const { analyzeCapacity } = await import('../shared/core/capacity/index.js');
  const { planCluster } = await import('../shared/core/cluster/index.js');
  const { DEFAULT_CLUSTER_POLICY } = await import('../shared/core/cluster/index.js');
  const snapshot = syntheticSnapshot(instances);
  const now = new Date(snapshot.capturedAt);
  const times: number[] = [];
  for (let i = 0; i < RUNS + 1; i++) {
    const start = performance.now();
    planCluster(snapshot, analyzeCapacity(snapshot), DEFAULT_CLUSTER_POLICY, now);
    if (i > 0) times.push(performance.now() - start);
  }
  const tasks = snapshot.services.reduce((s, x) => s + x.desiredCount, 0);
  return { instances, tasks, medianMs: median(times) };
};

/** One spawn: its wall time and the CPU time (user + system) the child reports at exit, ms. */
const spawnMs = (code: string, moduleInput: boolean): { wall: number; cpu: number } => {
  const start = performance.now();
  const report = ';const __u=process.cpuUsage();process.stdout.write(String(__u.user+__u.system))';
  const r = spawnSync(
    process.execPath,
    [...(moduleInput ? ['--input-type=module'] : []), '-e', `${code}${report}`],
    { env: { ...process.env, AWS_REGION: 'us-east-1' } },
  );
  const wall = performance.now() - start;
  if (r.status !== 0) throw new Error(`node -e ${code} failed: ${r.stderr.toString().slice(0, 300)}`);
  return { wall, cpu: Number(r.stdout.toString().trim().split(/\s+/).at(-1)) / 1000 };
};

interface BundleLoad {
  name: string;
  kib: number;
  /** Median wall and CPU load time, ms. */
  loadMs: number;
  cpuMs: number;
  /** Median of the per-round CPU ratios to the bare start of the same round, with min–max. */
  ratio: number;
  ratioMin: number;
  ratioMax: number;
  /** The same for wall time (moves with the machine's load). */
  wallRatio: number;
}

/**
 * Bundle sizes and cold loads. Each round spawns a bare `node -e 0` and then every bundle, in an order
 * rotated per round; a bundle's ratio is taken against the bare start of its own round (a loaded machine
 * drifts between rounds). The verdict uses CPU time (user + system of the child: what a cold start costs,
 * little moved by other processes); wall-time ratios are printed beside it.
 */
const bundles = (): { bare: number; bareCpu: number; built: BundleLoad[] } => {
  if (!args.includes('--no-build')) {
    const r = spawnSync('npm', ['run', '--silent', 'build'], { stdio: ['ignore', 'pipe', 'inherit'] });
    if (r.status !== 0) throw new Error('npm run build failed');
  }
  const root = join('.esbuild', 'functions');
  const names = existsSync(root)
    ? readdirSync(root).filter((n) => existsSync(join(root, n, 'handler.mjs')))
    : [];
  const files = names.map((n) => join(process.cwd(), root, n, 'handler.mjs'));
  const bare: { wall: number; cpu: number }[] = [];
  const loads = names.map(() => [] as { wall: number; cpu: number }[]);
  for (let round = 0; round < RUNS; round++) {
    const b = spawnMs('0', false);
    bare.push(b);
    for (let j = 0; j < files.length; j++) {
      const k = (j + round) % files.length;
      loads[k]!.push(spawnMs(`await import(${JSON.stringify(files[k])})`, true));
    }
  }
  return {
    bare: median(bare.map((b) => b.wall)),
    bareCpu: median(bare.map((b) => b.cpu)),
    built: names.map((name, k) => {
      const cpuRatios = loads[k]!.map((l, r) => l.cpu / bare[r]!.cpu);
      return {
        name,
        kib: statSync(files[k]!).size / 1024,
        loadMs: median(loads[k]!.map((l) => l.wall)),
        cpuMs: median(loads[k]!.map((l) => l.cpu)),
        ratio: median(cpuRatios),
        ratioMin: Math.min(...cpuRatios),
        ratioMax: Math.max(...cpuRatios),
        wallRatio: median(loads[k]!.map((l, r) => l.wall / bare[r]!.wall)),
      };
    }),
  };
};

const main = async (): Promise<void> => {
  log(`bench:api — ${new Date().toISOString()} — node ${process.version} — ${RUNS} runs per timing`);
  if (args.includes('--bundles')) {
    bundleFigures();
    return;
  }
  log('\nAPI calls per decision (calls made / theoretical minimum)');
  log('decision        instances   cold   min   ratio   warm   min   ratio');
  const calls: CallRow[] = [];
  for (const n of SIZES) {
    const row = await reportCalls(n);
    calls.push(row);
    log(
      `${row.decision.padEnd(15)} ${String(n).padStart(9)} ${String(row.cold).padStart(6)} ${String(row.minimumCold).padStart(5)} ${(row.cold / row.minimumCold).toFixed(2).padStart(7)} ${String(row.warm).padStart(6)} ${String(row.minimumWarm).padStart(5)} ${(row.warm / row.minimumWarm).toFixed(2).padStart(7)}`,
    );
  }
  log('\nAPI calls per decision of the real handlers on the simulator (26 tasks per instance)');
  log('decision               instances  calls  minimum  ratio   calls by command');
  const simCalls: DecisionCalls[] = [];
  for (const n of SIZES) {
    for (const d of await measureDecisions(n)) {
      simCalls.push(d);
      const detail = Object.entries(d.detail)
        .map(([k, v]) => `${k.replace(/^[a-z-]+:/, '')} ${v}`)
        .join(', ');
      log(
        `${d.decision.padEnd(22)} ${String(n).padStart(9)} ${String(d.calls).padStart(6)} ${String(d.minimum).padStart(8)} ${(d.calls / d.minimum).toFixed(2).padStart(6)}   ${n === SIZES[0] || n === SIZES.at(-1) ? detail : ''}`,
      );
    }
  }

  log('\nDecision compute time: analyzeCapacity + planCluster (median)');
  const compute = [];
  for (const n of SIZES) {
    const c = await computeTime(n);
    compute.push(c);
    log(
      `${String(c.instances).padStart(6)} instances ${String(c.tasks).padStart(7)} tasks: ${c.medianMs.toFixed(2)} ms`,
    );
  }

  const { bare, bareCpu, built } = bundleFigures();
  if (JSON_OUT) {
    console.log(
      JSON.stringify(
        { calls, simCalls, compute, bareNodeMs: bare, bareNodeCpuMs: bareCpu, bundles: built },
        null,
        2,
      ),
    );
  }
};

/** Targets of issue 18: each bundle ≤ 400 KiB, cold load ≤ 2 × a bare `node -e 0`. */
const BUNDLE_TARGET_KIB = 400;
const LOAD_TARGET_RATIO = 2;

function bundleFigures() {
  log(
    '\nFunction bundles: size and cold load (per round: a bare `node -e 0`, then each bundle; CPU time = user + system of the child; median of the rounds)',
  );
  const { bare, bareCpu, built } = bundles();
  log(`node -e 0: ${bare.toFixed(1)} ms wall, ${bareCpu.toFixed(1)} ms CPU (median of ${RUNS})`);
  for (const b of built) {
    const verdict = [
      b.kib <= BUNDLE_TARGET_KIB ? 'size met' : `size MISSED (> ${BUNDLE_TARGET_KIB} KiB)`,
      b.ratio <= LOAD_TARGET_RATIO ? 'load met' : `load MISSED (> ${LOAD_TARGET_RATIO} ×)`,
    ].join(', ');
    log(
      `${b.name.padEnd(18)} ${b.kib.toFixed(1).padStart(8)} KiB  CPU ${b.cpuMs.toFixed(1).padStart(6)} ms = ${b.ratio.toFixed(2)} × bare (rounds ${b.ratioMin.toFixed(2)}–${b.ratioMax.toFixed(2)}); wall ${b.loadMs.toFixed(1)} ms = ${b.wallRatio.toFixed(2)} ×  ${verdict}`,
    );
  }
  return { bare, bareCpu, built };
}

await main();
