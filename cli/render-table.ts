/**
 * The report as text for a terminal. By default it fits 80 columns: borderless tables of the essential
 * columns, reasons wrapped with a hanging indent, and a large cluster summarised (totals, one line per
 * instance type, only the abnormal instances). `wide` shows every column without wrapping;
 * `allInstances` lists every instance. Percentages are rounded here only; the JSON keeps them exact.
 * Colour comes from the caller's {@link Style} (off in pipes and with NO_COLOR).
 */
import type {
  CapacityReport,
  ClusterReport,
  DimensionAmounts,
  InstanceDetail,
} from '../shared/core/report/index.js';
import { type Column, type Style, styleFor, table, wrap } from './text-layout.js';

/** How to render. */
export interface RenderOptions {
  /** Every column, no wrapping. */
  wide?: boolean;
  /** Every instance, even on a large cluster. */
  allInstances?: boolean;
  style?: Style;
  /** Columns to fit (default 80; ignored with `wide`). */
  width?: number;
}

/** Clusters with more instances than this are summarised unless `allInstances`. */
export const SUMMARY_ABOVE_INSTANCES = 20;

const pct = (n: number): string => `${n.toFixed(1)}%`;

/** `web:42` from `arn:aws:ecs:…:task-definition/web:42`. */
export const shortTaskDefinition = (arn: string | null): string =>
  arn === null ? '(none)' : arn.slice(arn.lastIndexOf('/') + 1);

const unit = (d: string): string => (d === 'CPU' ? 'CPU units' : d === 'MEMORY' ? 'MiB' : 'GPUs');

const amounts = (a: DimensionAmounts, sep = '/'): string =>
  `${a.CPU}${sep}${a.MEMORY}${a.GPU === undefined ? '' : `${sep}${a.GPU}`}`;

/** An instance an operator should look at: gives no capacity, not ACTIVE, or its agent is gone. */
export const isAbnormal = (i: InstanceDetail): boolean =>
  !i.givesCapacity || i.status !== 'ACTIVE' || !i.agentConnected;

interface Ctx {
  width: number;
  wide: boolean;
  style: Style;
}

const dimensionTable = (c: ClusterReport, x: Ctx): string => {
  type Row = [string, NonNullable<ClusterReport['dimensions']['GPU']>];
  const rows = Object.entries(c.dimensions).filter((e): e is Row => e[1] !== undefined);
  const over = ([, d]: Row) => d.largestTask > 0 && d.reservationPercent > d.thresholdPercent;
  const cols: Column<Row>[] = [
    { header: 'Resource', cell: ([n]) => `${n} (${unit(n)})` },
    { header: 'Reserved', cell: ([, d]) => String(d.reserved), right: true },
    { header: 'Registered', cell: ([, d]) => String(d.registered), right: true },
    { header: 'Use', cell: ([, d]) => pct(d.reservationPercent), right: true },
    { header: 'Threshold', cell: ([, d]) => pct(d.thresholdPercent), right: true },
    ...(x.wide
      ? [
          { header: 'Smallest instance', cell: ([, d]: Row) => String(d.instanceCapacity), right: true },
          { header: 'Largest task', cell: ([, d]: Row) => String(d.largestTask), right: true },
        ]
      : []),
    {
      header: '',
      cell: (r) => (over(r) ? 'OVER THRESHOLD' : 'ok'),
      paint: (t, r) => (over(r) ? x.style.red(t) : x.style.green(t)),
    },
  ];
  return table(rows, cols, { width: x.width, indent: '  ', style: x.style });
};

const instanceTable = (list: readonly InstanceDetail[], c: ClusterReport, x: Ctx): string => {
  const gpu = c.dimensions.GPU !== undefined;
  const cols: Column<InstanceDetail>[] = [
    { header: 'Instance', cell: (i) => i.ec2InstanceId ?? i.containerInstanceArn },
    { header: 'Type', cell: (i) => i.instanceType ?? '-', dropOrder: 1 },
    { header: 'AZ', cell: (i) => i.availabilityZone ?? '-', dropOrder: 2 },
    {
      header: 'Status',
      cell: (i) => (i.agentConnected ? i.status : `${i.status} (agent disconnected)`),
      paint: (t, i) => (isAbnormal(i) ? x.style.yellow(t) : t),
    },
    ...(x.wide
      ? [{ header: 'Capacity', cell: (i: InstanceDetail) => (i.givesCapacity ? 'yes' : 'no') }]
      : []),
    { header: 'Tasks', cell: (i) => `${i.runningTasks}/${i.pendingTasks}`, right: true },
    {
      header: gpu ? 'Free CPU/MiB/GPU' : 'Free CPU/MiB',
      cell: (i) => amounts(i.remaining),
      right: true,
    },
    ...(x.wide
      ? [
          {
            header: gpu ? 'Registered CPU/MiB/GPU' : 'Registered CPU/MiB',
            cell: (i: InstanceDetail) => amounts(i.registered),
            right: true,
          },
        ]
      : []),
  ];
  return table(list, cols, { width: x.width, indent: '  ', style: x.style });
};

/** Totals per instance type (large clusters). */
const typeTable = (c: ClusterReport, x: Ctx): string => {
  const byType = new Map<string, InstanceDetail[]>();
  for (const i of c.instanceDetails) {
    const k = i.instanceType ?? '(unknown)';
    byType.set(k, [...(byType.get(k) ?? []), i]);
  }
  type Row = [string, InstanceDetail[]];
  const sum = (l: InstanceDetail[], f: (i: InstanceDetail) => number) => l.reduce((n, i) => n + f(i), 0);
  const rows: Row[] = [...byType].sort((a, b) => b[1].length - a[1].length);
  const cols: Column<Row>[] = [
    { header: 'Type', cell: ([t]) => t },
    { header: 'Instances', cell: ([, l]) => String(l.length), right: true },
    { header: 'Capacity', cell: ([, l]) => String(l.filter((i) => i.givesCapacity).length), right: true },
    { header: 'Tasks', cell: ([, l]) => String(sum(l, (i) => i.runningTasks + i.pendingTasks)), right: true },
    { header: 'Free CPU', cell: ([, l]) => String(sum(l, (i) => i.remaining.CPU)), right: true },
    { header: 'Free MiB', cell: ([, l]) => String(sum(l, (i) => i.remaining.MEMORY)), right: true },
  ];
  return table(rows, cols, { width: x.width, indent: '  ', style: x.style });
};

const paintAction = (action: string, s: Style): string => {
  const a = action.toUpperCase();
  if (action === 'hold') return s.green(a);
  if (action === 'halt' || action === 'backoff') return s.red(a);
  return s.yellow(a);
};

const bullets = (title: string, items: readonly string[], mark: string, x: Ctx, paint = (t: string) => t) =>
  items.length === 0
    ? []
    : [title, ...items.map((r) => paint(x.wide ? `  ${mark} ${r}` : wrap(r, x.width, `  ${mark} `, '    ')))];

const serviceAlarmLines = (c: ClusterReport, x: Ctx): string[] => {
  if (c.serviceAlarms.length === 0) return [];
  const lines = ['Service alarms (what the service scaler would do if each fired now):'];
  for (const a of c.serviceAlarms) {
    const { current, proposed } = a.desiredCount;
    const count =
      proposed === current ? `desired count ${current}` : `desired count ${current} -> ${proposed}`;
    const head = `${a.alarm} (service ${a.service}, ${a.state}): ${paintAction(a.action, x.style)}   ${count}`;
    lines.push(x.wide ? `  ${head}` : wrap(head, x.width, '  ', '      '));
    for (const r of a.reasons) lines.push(x.wide ? `    - ${r}` : wrap(r, x.width, '    - ', '      '));
  }
  return lines;
};

/**
 * Issue 12: each group of waiting tasks with its cause, what it needs and why each instance class refuses
 * it; the instances that could not go, with why. (`--json` has all of it: waitingTasks, removability.)
 */
const placementLines = (c: ClusterReport, x: Ctx): string[] => {
  const kind: Record<string, string> = {
    'needs-capacity': 'NEEDS CAPACITY',
    unplaceable: 'UNPLACEABLE',
    'crash-loop': 'CRASH LOOP',
    'waiting-for-ecs': 'WAITING FOR ECS',
    'capacity-provider': "CAPACITY PROVIDER'S",
  };
  const waiting = (c.waitingTasks ?? []).map(
    (w) =>
      `${w.count} × ${w.service}: ${kind[w.kind] ?? w.kind} — ${w.reason}. Needs ${w.needs}.${w.refusals.length > 0 ? ` Refused by: ${w.refusals.map((r) => `${r.count} × ${r.instanceClass} (${r.reason})`).join('; ')}.` : ''}${w.ecsSays ? ` ECS: "${w.ecsSays}"` : ''}`,
  );
  const stuck = (c.removability ?? [])
    .filter((r) => r.removable === false)
    .map((r) => `${r.ec2InstanceId}: ${r.reason}`);
  return [
    ...bullets('Waiting tasks:', waiting, '*', x),
    ...bullets('Instances that cannot go:', stuck, '·', x),
  ];
};

/** What the scaler last decided (the SSM record, docs/observability.md), when the report read it. */
const lastDecisionLines = (c: ClusterReport, x: Ctx): string[] => {
  if (c.lastDecision === undefined) return [];
  if (c.lastDecision === null) return ['Last decision: none recorded yet'];
  const l = c.lastDecision;
  const desired = l.desired ? `   ${l.desired.current} -> ${l.desired.proposed}` : '';
  const guard = l.guard ? ` (${l.guard})` : '';
  const head = `Last decision: ${l.decidedAt}   ${l.detailType}${guard}${desired}`;
  return [x.wide ? head : wrap(head, x.width, '', '  '), ...bullets('Why:', l.reasons, '-', x)];
};

/** One cluster's section. */
/**
 * Issue 13: per group, what it launches (types, weights, what one unit holds) and what the plan does to
 * it — shown when there are several groups or a group's units are not instances or it launches several types.
 */
const groupLines = (c: ClusterReport, x: Ctx): string[] => {
  const groups = c.groups ?? [];
  if (!groups.some((g) => groups.length > 1 || g.unit !== 'instances' || g.types.length > 1)) return [];
  // [indent, text]: the indent is kept when a line wraps (wrap() splits on spaces).
  const line = (indent: string, text: string) =>
    x.wide ? `${indent}${text}` : wrap(text, x.width, indent, `${indent}    `);
  return [
    'Groups:',
    ...groups.flatMap((g) => [
      line(
        '  ',
        `${g.autoScalingGroup}: ${g.change}, desired ${g.desiredCapacity.current} -> ${g.desiredCapacity.proposed} ${g.unit}${g.limits ? ` (min ${g.limits.min}, max ${g.limits.max})` : ''}; ${g.strategy}`,
      ),
      ...g.types.map((t) =>
        line(
          '    ',
          `${t.instanceType || '(unknown type)'} weight ${t.weight}: one unit holds ${t.perUnit ? `CPU ${t.perUnit.CPU}, MEMORY ${t.perUnit.MEMORY}${t.perUnit.GPU ? `, GPU ${t.perUnit.GPU}` : ''}` : 'unknown'} (${t.source}${t.priceUsdHour !== null ? `, $${t.priceUsdHour}/h` : ''})`,
        ),
      ),
    ]),
  ];
};

export const renderCluster = (c: ClusterReport, opts: RenderOptions = {}): string => {
  const x: Ctx = {
    wide: opts.wide ?? false,
    width: opts.wide ? Number.POSITIVE_INFINITY : (opts.width ?? 80),
    style: opts.style ?? styleFor(false),
  };
  const d = c.decision;
  const asg = c.autoScalingGroups.length > 0 ? c.autoScalingGroups.join(', ') : 'none tagged';
  const line = (t: string) => (x.wide ? t : wrap(t, x.width, '', '  '));
  const lines = [
    x.style.bold(line(`Cluster ${c.cluster}   (Auto Scaling group: ${asg})`)),
    ...(c.recordedAt ? [line(`Snapshot recorded ${c.recordedAt}; judged as of then`)] : []),
    line(
      `Decision: ${paintAction(d.action, x.style)}   desired capacity ${c.autoScalingGroups.length > 1 && d.autoScalingGroup ? `of ${d.autoScalingGroup} ` : ''}${d.desiredCapacity.current} -> ${d.desiredCapacity.proposed}` +
        (d.drain.length > 0 ? `   drain ${d.drain.join(', ')}` : ''),
    ),
    line(
      `Instances: ${c.instances.total} total, ${c.instances.active} active, ${c.instances.draining} draining, ${c.instances.capacity} give capacity`,
    ),
    dimensionTable(c, x),
    line(
      `Largest task: ${shortTaskDefinition(c.largestTask.taskDefinition)} (${amounts(c.largestTask, ' / ')})`,
    ),
    line(`Schedulable tasks: ${c.schedulableTasks} more of the largest task fit now`),
  ];
  const summarise = !opts.allInstances && c.instanceDetails.length > SUMMARY_ABOVE_INSTANCES;
  if (summarise) {
    const abnormal = c.instanceDetails.filter(isAbnormal);
    lines.push(typeTable(c, x));
    if (abnormal.length > 0) {
      lines.push(`Instances to look at (${abnormal.length}):`, instanceTable(abnormal, c, x));
    }
    lines.push(
      x.style.dim(
        line(
          `${c.instanceDetails.length - abnormal.length} healthy instances not listed (--instances lists all)`,
        ),
      ),
    );
  } else if (c.instanceDetails.length > 0) {
    lines.push(instanceTable(c.instanceDetails, c, x));
  }
  if (c.unplacedTasks.length > 0) {
    lines.push(
      line(
        `Unplaced tasks: ${c.unplacedTasks.map((u) => `${u.count} × ${u.service} (${shortTaskDefinition(u.taskDefinition)})`).join(', ')}`,
      ),
    );
  }
  lines.push(
    ...bullets('Reasons:', d.reasons, '-', x),
    ...placementLines(c, x),
    ...groupLines(c, x),
    ...lastDecisionLines(c, x),
    ...serviceAlarmLines(c, x),
    ...bullets('Findings:', c.findings, '!', x, x.style.red),
    ...bullets('Notes:', c.notes, '·', x, x.style.dim),
  );
  return `${lines.join('\n')}\n`;
};

/** The whole report as text. */
export const renderReport = (report: CapacityReport, opts: RenderOptions = {}): string => {
  const header = `ecs-autoscaler capacity report (dry run: nothing is changed)\ngenerated ${report.generatedAt}\n`;
  if (report.clusters.length === 0) return `${header}\nNo cluster to report.\n`;
  return `${header}\n${report.clusters.map((c) => renderCluster(c, opts)).join('\n')}`;
};
