/**
 * Capacity-report benchmark: for synthetic clusters of growing size, the AWS calls the reader makes
 * (served by aws-sdk-client-mock and counted) against the theoretical minimum the API limits allow, and
 * the compute time of the capacity model (analyzeCapacity + planCluster), median of several runs.
 * Prints figures; asserts nothing. `npm run bench:report`.
 */
import './lib/silent-env.js';
import { performance } from 'node:perf_hooks';
import { readReportInputs } from '../shared/aws/report-inputs.js';
import { clearTaskDefinitionCache } from '../shared/aws/snapshot-reader.js';
import { analyzeCapacity } from '../shared/core/capacity/index.js';
import { planCluster } from '../shared/core/cluster/index.js';
import { resolveReportPolicy } from '../shared/core/report/index.js';
import { mockAccount } from '../test/unit/aws/reader-fixture.js';

const SIZES = [
  { instances: 10, services: 5, tasksPerInstance: 10 },
  { instances: 100, services: 20, tasksPerInstance: 10 },
  { instances: 1_000, services: 100, tasksPerInstance: 20 },
  { instances: 5_000, services: 500, tasksPerInstance: 20 },
];
const RUNS = 9;
const NOW = new Date('2026-11-22T10:00:00Z');

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

/** The fewest calls the APIs allow for one cold read (task definitions not cached). */
const minimumCalls = (instances: number, services: number, taskDefinitions: number, warm: boolean) =>
  1 + // DescribeClusters
  2 * Math.max(1, Math.ceil(instances / 100)) + // ListContainerInstances + DescribeContainerInstances
  Math.max(1, Math.ceil(services / 100)) + // ListServices
  Math.ceil(services / 10) + // DescribeServices
  (warm ? 0 : taskDefinitions) + // DescribeTaskDefinition
  1 + // DescribeAutoScalingGroups (one tagged group)
  Math.ceil(services / 50) + // DescribeScalableTargets
  1; // DescribeAlarms (the service-alarm previews; no alarms: one page)

const rows: string[][] = [];
for (const size of SIZES) {
  clearTaskDefinitionCache();
  const rollouts = Math.ceil(size.services / 10);
  const account = mockAccount({
    cluster: 'bench',
    ...size,
    rollouts,
    instanceCpu: 8192,
    instanceMemory: 32768,
  });
  const t0 = performance.now();
  const [input] = await readReportInputs(['bench'], { clients: account.clients });
  const readMs = performance.now() - t0;
  const cold = account.calls.length;
  const taskReads = account.count('ListTasks') + account.count('DescribeTasks');
  account.calls.length = 0;
  await readReportInputs(['bench'], { clients: account.clients });
  const warm = account.calls.length;
  account.restore();

  const snapshot = input!.snapshot;
  const { policy } = resolveReportPolicy(snapshot);
  const analyzeMs: number[] = [];
  const planMs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const a0 = performance.now();
    const analysis = analyzeCapacity(snapshot);
    const a1 = performance.now();
    planCluster(snapshot, analysis, policy, NOW);
    planMs.push(performance.now() - a1);
    analyzeMs.push(a1 - a0);
  }
  const tds = snapshot.taskDefinitions.length;
  const tasks = size.instances * size.tasksPerInstance;
  rows.push([
    String(size.instances),
    String(size.services),
    String(tasks),
    `${cold - taskReads} / ${minimumCalls(size.instances, size.services, tds, false)}`,
    `${warm - taskReads} / ${minimumCalls(size.instances, size.services, tds, true)}`,
    String(taskReads),
    readMs.toFixed(0),
    median(analyzeMs).toFixed(2),
    median(planMs).toFixed(2),
  ]);
}

const head = [
  'instances',
  'services',
  'tasks',
  'calls cold (made / min)',
  'calls warm (made / min)',
  'task reads for planner',
  'read ms (mocked)',
  'analyze ms (median)',
  'plan ms (median)',
];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (r: string[]) => r.map((c, i) => c.padStart(widths[i]!)).join('  ');
console.log(
  `capacity report benchmark (${RUNS} runs per size for compute; API served by aws-sdk-client-mock)`,
);
console.log(line(head));
for (const r of rows) console.log(line(r));
console.log(
  'min = 1 DescribeClusters + 2×⌈instances/100⌉ + ⌈services/100⌉ + ⌈services/10⌉ + distinct task definitions (cold only) + 1 DescribeAutoScalingGroups + ⌈services/50⌉ DescribeScalableTargets + 1 DescribeAlarms page.',
);
console.log(
  '"task reads for planner": ListTasks + DescribeTasks for the scale-in candidates the planner asks about (not in min).',
);
