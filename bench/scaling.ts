/**
 * `npm run bench:scaling` — scaling quality on the simulator, in money: each built-in trace replayed on
 * several seeds under the project (`ecs-autoscaler`, the real handlers) and the baselines
 * (`capacity-provider` with AWS's defaults, `capacity-provider-tuned`, `threshold-alarms`). Prints a
 * table per trace (mean [min–max] over seeds) and the targets; writes one SVG per trace (cost units per
 * hour of each policy on the first seed, with the lower bound) to `bench-out/`.
 *
 * Cost units: instance-hours weighted by the type's on-demand price relative to the group's cheapest type
 * (sim/replay/prices.ts). Lower bound: the least-cost cover of the desired tasks' CPU and memory
 * (sim/replay/lower-bound.ts, with the proof); packing reference: first-fit-decreasing beside it.
 *
 * Flags: `--json` (only the JSON: `{ seeds, traces: { <trace>: { <policy>: figures + perSeed } } }`),
 * `--trace NAME` (repeatable), `--policy NAME` (repeatable), `--seeds 1,2,3,4,5` (default) or `--seed N`
 * (repeatable), `--out DIR` (default bench-out), `--json-out FILE` (the same JSON to a file, beside the
 * text), `--tag key=value` (repeatable: an `ecs-autoscaler:*` tag
 * on the project's group, to try a setting). Prints figures; never asserts.
 */
import './lib/silent-env.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_CLUSTER_POLICY } from '../shared/core/cluster/index.js';
import {
  checkTargets,
  figuresTable,
  type PolicyFigures,
  type SeedRun,
  summarize,
  targetLines,
} from '../sim/replay/figures-table.js';
import { PRICE_SOURCE } from '../sim/replay/prices.js';
import { POLICIES, type PolicyName, projectHandlersPresent, replay } from '../sim/replay/replay.js';
import { type ChartSeries, renderChart } from '../sim/replay/svg-chart.js';
import { BENCH_CLUSTER, BUILTIN_TRACES } from '../sim/traces/builtin.js';
import { quietPowertoolsWarnings } from './lib/quiet.js';

quietPowertoolsWarnings();

const args = process.argv.slice(2);
const all = (name: string): string[] =>
  args.flatMap((a, i) => (a === name && args[i + 1] ? [args[i + 1]!] : []));
const JSON_OUT = args.includes('--json');
const seeds = [...all('--seed').map(Number), ...all('--seeds').flatMap((s) => s.split(',').map(Number))];
if (seeds.length === 0) seeds.push(1, 2, 3, 4, 5);
for (const s of seeds) {
  if (!Number.isInteger(s)) throw new Error(`--seed/--seeds: '${s}' is not an integer`);
}
const outDir = all('--out')[0] ?? 'bench-out';
const jsonOut = all('--json-out')[0];
const projectTags = Object.fromEntries(
  all('--tag').map((kv) => {
    const i = kv.indexOf('=');
    if (i <= 0)
      throw new Error(`--tag '${kv}': expected key=value, e.g. ecs-autoscaler:scale-in-cooldown=120`);
    return [kv.slice(0, i), kv.slice(i + 1)];
  }),
);
const traces = all('--trace').length > 0 ? all('--trace') : Object.keys(BUILTIN_TRACES);
const wanted = (all('--policy').length > 0 ? all('--policy') : [...POLICIES]) as PolicyName[];
for (const t of traces) {
  if (!BUILTIN_TRACES[t])
    throw new Error(`unknown trace '${t}'; known: ${Object.keys(BUILTIN_TRACES).join(', ')}`);
}
for (const p of wanted) {
  if (!POLICIES.includes(p)) throw new Error(`unknown policy '${p}'; known: ${POLICIES.join(', ')}`);
}
const log = (s = ''): void => {
  if (!JSON_OUT) console.log(s);
};

const policies = wanted.filter((p) => {
  if (p === 'ecs-autoscaler' && !projectHandlersPresent()) {
    console.error(
      'bench:scaling: functions/cluster-scaler or functions/instance-drainer is missing: ecs-autoscaler skipped',
    );
    return false;
  }
  return true;
});

log(
  `bench:scaling — ${new Date().toISOString()} — node ${process.version} — seeds ${seeds.join(',')}${Object.keys(projectTags).length > 0 ? ` — project tags ${JSON.stringify(projectTags)}` : ''}`,
);
log(
  `cluster: ${BENCH_CLUSTER.services.map((s) => `${s.name}${s.daemon ? ' (daemon)' : ''} ${s.cpu}/${s.memory}`).join(', ')}; ` +
    `instances ${BENCH_CLUSTER.instanceTypes.map((t) => t.type).join(' + ')} in turn; boot ${BENCH_CLUSTER.bootSeconds} s + registration ${BENCH_CLUSTER.registerSeconds} s`,
);
log(
  `cost units: on-demand price relative to the cheapest type (${PRICE_SOURCE.region} ${PRICE_SOURCE.kind}, prices of ${PRICE_SOURCE.priceDate}); lower bound = least-cost cover of CPU and memory; packing reference = FFD in launch order`,
);
mkdirSync(outDir, { recursive: true });
const result: Record<string, Record<string, PolicyFigures>> = {};
for (const name of traces) {
  const trace = BUILTIN_TRACES[name]!();
  const rows: Record<string, SeedRun[]> = {};
  const series: ChartSeries[] = [];
  let bound: ChartSeries | undefined;
  for (const policy of policies) {
    rows[policy] = [];
    for (const seed of seeds) {
      const started = performance.now();
      const r = await replay({ cluster: BENCH_CLUSTER, trace, policy, seed, projectTags });
      rows[policy].push({ seed, figures: r.figures, extras: r.extras });
      if (seed === seeds[0]) {
        series.push({ label: policy, points: r.samples.map((s) => [s.t, s.costUnits] as const) });
        bound ??= {
          label: 'lower bound',
          dashed: true,
          points: r.samples.map((s) => [s.t, s.lowerBound] as const),
        };
      }
      const notes = [
        `${((performance.now() - started) / 1000).toFixed(1)} s`,
        ...(r.violations.length > 0
          ? [
              `${r.violations.length} invariant violation(s): ${[...new Set(r.violations.map((v) => v.kind))].join(', ')}`,
            ]
          : []),
        ...(r.errors.length > 0 ? [`errors: ${r.errors.slice(0, 2).join('; ')}`] : []),
      ];
      if (!JSON_OUT) console.error(`  ${name} × ${policy} × seed ${seed}: ${notes.join('; ')}`);
    }
  }
  result[name] = Object.fromEntries(Object.entries(rows).map(([p, runs]) => [p, summarize(runs)]));
  if (bound) series.push(bound);
  const file = join(outDir, `scaling-${name}.svg`);
  writeFileSync(
    file,
    renderChart(`${name}: cost units per hour (seed ${seeds[0]})`, 'cost units / h', series),
  );
  log(`\n${figuresTable(name, rows)}`);
  const checks = checkTargets(rows, {
    bootSeconds: BENCH_CLUSTER.bootSeconds + BENCH_CLUSTER.registerSeconds,
    tickSeconds: 60,
    cooldownSeconds: DEFAULT_CLUSTER_POLICY.scaleInCooldownSeconds,
  });
  if (checks.length > 0) log(targetLines(checks));
  log(`  chart: ${file}`);
}
if (JSON_OUT) console.log(JSON.stringify({ seeds, traces: result }, null, 2));
if (jsonOut) writeFileSync(jsonOut, `${JSON.stringify({ seeds, traces: result }, null, 2)}\n`);
