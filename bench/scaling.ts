/**
 * `npm run bench:scaling` — scaling quality on the simulator, in money: each built-in trace replayed on
 * several seeds under the project (`ecs-autoscaler`, the real handlers) and the baselines
 * (`capacity-provider` with AWS's defaults, `capacity-provider-tuned`, `threshold-alarms`). Prints a
 * table per trace (mean [min–max] over seeds) and the targets; writes one SVG per trace (cost units per
 * hour of each policy on the first seed, with the lower bound) to `bench-out/`.
 *
 * Traces (`SCALING_TRACES`): the built-in ones on the benchmark cluster, then `two-group` (issue 13) on a
 * cluster with an on-demand group and a Spot group. There, cost counts the instances of every group, the
 * lower bound covers with any mix of every group's types, Spot is priced at on-demand (prices.ts has no
 * Spot prices), and the baselines drive only the first group (one capacity provider / alarm pair): the
 * output says so.
 *
 * Cost units: instance-hours weighted by the type's on-demand price relative to the cluster's cheapest
 * type (sim/replay/prices.ts). Lower bound: the least-cost cover of the desired tasks' CPU and memory
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
import { BENCH_CLUSTER, type BenchCluster, SCALING_TRACES } from '../sim/traces/builtin.js';
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
const traces = all('--trace').length > 0 ? all('--trace') : Object.keys(SCALING_TRACES);
const wanted = (all('--policy').length > 0 ? all('--policy') : [...POLICIES]) as PolicyName[];
for (const t of traces) {
  if (!SCALING_TRACES[t])
    throw new Error(`unknown trace '${t}'; known: ${Object.keys(SCALING_TRACES).join(', ')}`);
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
/** The groups of a multi-group cluster and how they are counted (printed before its trace). */
const clusterLine = (c: BenchCluster): string => {
  const groups = [
    `bench-asg (on-demand, ${c.instanceTypes.map((t) => t.type).join(' + ')} in turn, max ${c.asg.max}, ${c.initialInstances} at the start)`,
    ...(c.extraGroups ?? []).map(
      (g) =>
        `${g.name} (${g.spot ? 'Spot' : 'on-demand'}, ${g.instanceTypes.map((t) => t.type).join(' + ')}, max ${g.max}, ${g.initialInstances} at the start)`,
    ),
  ];
  return (
    `cluster ${c.name}: groups ${groups.join(' + ')}; cost counts every group's instances; the lower bound covers with any mix of every group's types; ` +
    `${(c.extraGroups ?? []).some((g) => g.spot) ? 'Spot instances are priced at on-demand (no Spot prices in the table); ' : ''}` +
    'the baselines drive only the first group (one capacity provider / one alarm pair, on bench-asg), the project every group'
  );
};

mkdirSync(outDir, { recursive: true });
const result: Record<string, Record<string, PolicyFigures>> = {};
for (const name of traces) {
  const { cluster, trace: makeTrace } = SCALING_TRACES[name]!;
  const trace = makeTrace();
  if (cluster !== BENCH_CLUSTER) log(`\n${clusterLine(cluster)}`);
  const rows: Record<string, SeedRun[]> = {};
  const series: ChartSeries[] = [];
  let bound: ChartSeries | undefined;
  for (const policy of policies) {
    rows[policy] = [];
    for (const seed of seeds) {
      const started = performance.now();
      const r = await replay({ cluster, trace, policy, seed, projectTags });
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
    bootSeconds: cluster.bootSeconds + cluster.registerSeconds,
    tickSeconds: 60,
    cooldownSeconds: DEFAULT_CLUSTER_POLICY.scaleInCooldownSeconds,
  });
  if (checks.length > 0) log(targetLines(checks));
  log(`  chart: ${file}`);
}
if (JSON_OUT) console.log(JSON.stringify({ seeds, traces: result }, null, 2));
if (jsonOut) writeFileSync(jsonOut, `${JSON.stringify({ seeds, traces: result }, null, 2)}\n`);
