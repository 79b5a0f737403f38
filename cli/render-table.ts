/**
 * The report as readable tables (cli-table3). Percentages are rounded here only; the JSON keeps them exact.
 * No colours: the text is the same on a terminal, in a pipe and in a CI log.
 */
import Table from 'cli-table3';
import type { CapacityReport, ClusterReport, DimensionAmounts } from '../shared/core/report/index.js';

const pct = (n: number): string => `${n.toFixed(1)}%`;
const plain = { head: [], border: [] };

/** `web:42` from `arn:aws:ecs:…:task-definition/web:42`. */
export const shortTaskDefinition = (arn: string | null): string =>
  arn === null ? '(none)' : arn.slice(arn.lastIndexOf('/') + 1);

const unit = (d: string): string => (d === 'CPU' ? 'CPU units' : d === 'MEMORY' ? 'MiB' : 'GPUs');

const dimensionTable = (c: ClusterReport): string => {
  const table = new Table({
    head: [
      'Dimension',
      'Registered',
      'Reserved',
      'Reservation',
      'Threshold',
      'Smallest instance',
      'Largest task',
      '',
    ],
    style: plain,
  });
  for (const [name, d] of Object.entries(c.dimensions)) {
    if (!d) continue;
    const over = d.largestTask > 0 && d.reservationPercent > d.thresholdPercent;
    table.push([
      `${name} (${unit(name)})`,
      d.registered,
      d.reserved,
      pct(d.reservationPercent),
      pct(d.thresholdPercent),
      d.instanceCapacity,
      d.largestTask,
      over ? 'OVER THRESHOLD' : 'ok',
    ]);
  }
  return table.toString();
};

const amounts = (a: DimensionAmounts): string =>
  `${a.CPU} / ${a.MEMORY}${a.GPU === undefined ? '' : ` / ${a.GPU}`}`;

const instanceTable = (c: ClusterReport): string => {
  const gpu = c.dimensions.GPU !== undefined;
  const table = new Table({
    head: [
      'Instance',
      'Type',
      'AZ',
      'Status',
      'Capacity',
      'Tasks run/pend',
      gpu ? 'Free CPU / MiB / GPU' : 'Free CPU / MiB',
      gpu ? 'Registered CPU / MiB / GPU' : 'Registered CPU / MiB',
    ],
    style: plain,
  });
  for (const i of c.instanceDetails) {
    table.push([
      i.ec2InstanceId ?? i.containerInstanceArn,
      i.instanceType ?? '-',
      i.availabilityZone ?? '-',
      i.agentConnected ? i.status : `${i.status} (agent disconnected)`,
      i.givesCapacity ? 'yes' : 'no',
      `${i.runningTasks}/${i.pendingTasks}`,
      amounts(i.remaining),
      amounts(i.registered),
    ]);
  }
  return table.toString();
};

/** "Service alarms": one line per alarm, its reasons beneath; empty when the cluster has none. */
const serviceAlarmLines = (c: ClusterReport): string => {
  if (c.serviceAlarms.length === 0) return '';
  const rows = c.serviceAlarms.map((a) => {
    const { current, proposed } = a.desiredCount;
    const count =
      proposed === current ? `desired count ${current}` : `desired count ${current} -> ${proposed}`;
    const reasons = a.reasons.map((r) => `\n    - ${r}`).join('');
    return `  ${a.alarm} (service ${a.service}, ${a.state}): ${a.action.toUpperCase()}   ${count}${reasons}`;
  });
  return `Service alarms (what the service scaler would do if each fired now):\n${rows.join('\n')}\n`;
};

const list = (title: string, items: readonly string[], bullet: string): string =>
  items.length === 0 ? '' : `${title}\n${items.map((x) => `  ${bullet} ${x}`).join('\n')}\n`;

/** One cluster's section. */
export const renderCluster = (c: ClusterReport): string => {
  const d = c.decision;
  const asg = c.autoScalingGroups.length > 0 ? c.autoScalingGroups.join(', ') : 'none tagged';
  const lines = [
    `Cluster ${c.cluster}   (Auto Scaling group: ${asg})`,
    `Instances: ${c.instances.total} total, ${c.instances.active} active, ${c.instances.draining} draining, ${c.instances.capacity} give capacity`,
    dimensionTable(c),
    `Largest task: ${shortTaskDefinition(c.largestTask.taskDefinition)} (${amounts(c.largestTask)})`,
    `Schedulable tasks: ${c.schedulableTasks} more of the largest task fit on the current free space`,
    instanceTable(c),
  ];
  if (c.unplacedTasks.length > 0) {
    lines.push(
      `Unplaced tasks: ${c.unplacedTasks.map((u) => `${u.count} × ${u.service} (${shortTaskDefinition(u.taskDefinition)})`).join(', ')}`,
    );
  }
  lines.push(
    `Decision: ${d.action.toUpperCase()}   desired capacity ${d.desiredCapacity.current} -> ${d.desiredCapacity.proposed}` +
      (d.drain.length > 0 ? `   drain ${d.drain.join(', ')}` : ''),
  );
  const text = `${lines.join('\n')}\n${list('Reasons:', d.reasons, '-')}${serviceAlarmLines(c)}${list('Findings:', c.findings, '!')}${list('Notes:', c.notes, '·')}`;
  return text;
};

/** The whole report as text. */
export const renderReport = (report: CapacityReport): string => {
  const header = `ecs-autoscaler capacity report (dry run: nothing is changed) generated ${report.generatedAt}\n`;
  if (report.clusters.length === 0) return `${header}\nNo cluster to report.\n`;
  return `${header}\n${report.clusters.map(renderCluster).join('\n')}`;
};
