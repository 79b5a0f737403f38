/**
 * `npm run bench:scaling` — scaling quality on the simulator: each built-in trace replayed under the
 * project (`ecs-autoscaler`, the real handlers) and the two baselines (`threshold-alarms`,
 * `capacity-provider`). Prints a table per trace and the targets; writes one SVG per trace (capacity
 * of each policy and the lower bound over time) to `bench-out/`.
 *
 * Flags: `--json` (only the JSON object keyed by trace then policy), `--trace NAME` (repeatable),
 * `--policy NAME` (repeatable), `--seed N` (default 1), `--out DIR` (default bench-out),
 * `--tag key=value` (repeatable: an `ecs-autoscaler:*` tag on the project's group, to try a setting).
 * Prints figures; never asserts.
 */
import './lib/silent-env.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkTargets, figuresTable, targetLines } from '../sim/replay/figures-table.js';
import { POLICIES, type PolicyName, projectHandlersPresent, replay } from '../sim/replay/replay.js';
import type { RunFigures } from '../sim/replay/run-metrics.js';
import { type ChartSeries, renderChart } from '../sim/replay/svg-chart.js';
import { BENCH_CLUSTER, BUILTIN_TRACES } from '../sim/traces/builtin.js';
import { quietPowertoolsWarnings } from './lib/quiet.js';

quietPowertoolsWarnings();

const args = process.argv.slice(2);
const all = (name: string): string[] =>
  args.flatMap((a, i) => (a === name && args[i + 1] ? [args[i + 1]!] : []));
const JSON_OUT = args.includes('--json');
const seed = Number(all('--seed')[0] ?? 1);
const outDir = all('--out')[0] ?? 'bench-out';
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
  `bench:scaling — ${new Date().toISOString()} — node ${process.version} — seed ${seed}${Object.keys(projectTags).length > 0 ? ` — project tags ${JSON.stringify(projectTags)}` : ''}`,
);
log(
  `cluster: ${BENCH_CLUSTER.services.map((s) => `${s.name}${s.daemon ? ' (daemon)' : ''} ${s.cpu}/${s.memory}`).join(', ')}; ` +
    `instances ${BENCH_CLUSTER.instanceTypes.map((t) => t.type).join(' + ')} in turn; lower bound = FFD of the wanted tasks`,
);
mkdirSync(outDir, { recursive: true });
const result: Record<string, Record<string, RunFigures>> = {};
for (const name of traces) {
  const trace = BUILTIN_TRACES[name]!();
  const rows: Record<string, RunFigures> = {};
  const series: ChartSeries[] = [];
  let bound: ChartSeries | undefined;
  for (const policy of policies) {
    const started = performance.now();
    const r = await replay({ cluster: BENCH_CLUSTER, trace, policy, seed, projectTags });
    rows[policy] = r.figures;
    series.push({ label: policy, points: r.samples.map((s) => [s.t, s.instances] as const) });
    bound ??= {
      label: 'lower bound',
      dashed: true,
      points: r.samples.map((s) => [s.t, s.lowerBound] as const),
    };
    const notes = [
      `${((performance.now() - started) / 1000).toFixed(1)} s`,
      ...(r.violations.length > 0
        ? [
            `${r.violations.length} invariant violation(s): ${[...new Set(r.violations.map((v) => v.kind))].join(', ')}`,
          ]
        : []),
      ...(r.errors.length > 0 ? [`errors: ${r.errors.slice(0, 2).join('; ')}`] : []),
    ];
    if (!JSON_OUT) console.error(`  ${name} × ${policy}: ${notes.join('; ')}`);
  }
  result[name] = rows;
  if (bound) series.push(bound);
  const file = join(outDir, `scaling-${name}.svg`);
  writeFileSync(file, renderChart(`${name}: instances over time (seed ${seed})`, 'instances', series));
  log(`\n${figuresTable(name, rows)}`);
  const checks = checkTargets(rows);
  if (checks.length > 0) log(targetLines(checks));
  log(`  chart: ${file}`);
}
if (JSON_OUT) console.log(JSON.stringify(result, null, 2));
