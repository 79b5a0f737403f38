/**
 * Simulated CloudWatch: PutMetricData (≤ 1000 metric items per call; namespaces starting with `AWS/`
 * are reserved), EMF ingestion, PutMetricAlarm / DescribeAlarms (MaxRecords 1–100, default 50;
 * AlarmNames ≤ 100) / DeleteAlarms (≤ 100), tags. Alarms are evaluated every minute of virtual time.
 * Only single-metric alarms with a standard statistic are supported (metric math is rejected loudly).
 */
import type {
  DeleteAlarmsCommandInput,
  DescribeAlarmsCommandInput,
  ListTagsForResourceCommandInput,
  PutMetricAlarmCommandInput,
  PutMetricDataCommandInput,
  TagResourceCommandInput,
} from '@aws-sdk/client-cloudwatch';
import { awsError } from '../core/aws-error.js';
import type { SimContext } from '../core/context.js';
import { checkBatch, paginate } from '../core/paginate.js';
import { type CommandTable, command } from '../core/registry.js';
import { evaluateAlarm, type SimAlarm } from './alarms.js';
import { emfToMetrics, MetricStore, type Statistic } from './metric-store.js';

const invalid = (m: string) => awsError('cloudwatch', 'InvalidParameterValue', m);
const statistics: readonly string[] = ['Average', 'Sum', 'Minimum', 'Maximum', 'SampleCount'];

/** State of the simulated CloudWatch. */
export class CloudWatchWorld {
  readonly metrics = new MetricStore();
  readonly alarms = new Map<string, SimAlarm>();

  constructor(private readonly ctx: SimContext) {}

  /** Ingests one EMF document at the current virtual time. */
  putEmf(doc: Record<string, unknown>): void {
    for (const m of emfToMetrics(doc)) this.metrics.put(m.id, this.ctx.clock.nowMs, m.values);
  }

  /** Evaluates every alarm (called each virtual minute). */
  evaluate(): void {
    for (const a of this.alarms.values()) evaluateAlarm(a, this.metrics, this.ctx);
  }

  /** The alarm with this ARN; CloudWatch's ResourceNotFoundException (404) for an unknown one. */
  private alarmByArn(arn: string | undefined) {
    const a = [...this.alarms.values()].find((x) => x.AlarmArn === arn);
    if (!a)
      throw awsError('cloudwatch', 'ResourceNotFoundException', 'The named resource does not exist.', 404);
    return a;
  }

  private putAlarm(i: PutMetricAlarmCommandInput): void {
    let { MetricName, Namespace, Statistic: stat, Dimensions, Period } = i;
    if (i.Metrics?.length) {
      const returned = i.Metrics.filter((m) => m.ReturnData !== false);
      const ms = returned.length === 1 ? returned[0]?.MetricStat : undefined;
      if (!ms || i.Metrics.length !== 1)
        throw invalid('sim: metric-math alarms are not supported; use a single MetricStat.');
      MetricName = ms.Metric?.MetricName;
      Namespace = ms.Metric?.Namespace;
      Dimensions = ms.Metric?.Dimensions;
      stat = ms.Stat as typeof stat;
      Period = ms.Period;
    }
    if (!i.AlarmName || !MetricName || !Namespace)
      throw invalid('AlarmName, MetricName and Namespace are required.');
    if (!stat || !statistics.includes(stat))
      throw invalid(`sim: Statistic must be one of ${statistics.join(', ')}.`);
    const period = Period ?? 60;
    if (!(period === 10 || period === 30 || period % 60 === 0))
      throw invalid('The parameter Period must be 10, 30 or a multiple of 60.');
    const evals = i.EvaluationPeriods ?? 0;
    if (evals < 1) throw invalid('The parameter EvaluationPeriods must be at least 1.');
    const dta = i.DatapointsToAlarm ?? evals;
    if (dta > evals) throw invalid('DatapointsToAlarm must be less than or equal to EvaluationPeriods.');
    if (period * evals > 86400) throw invalid('Period * EvaluationPeriods must be at most one day.');
    const now = new Date(this.ctx.clock.nowMs);
    const old = this.alarms.get(i.AlarmName);
    const { region, accountId } = this.ctx.settings;
    this.alarms.set(i.AlarmName, {
      AlarmName: i.AlarmName,
      AlarmArn: `arn:aws:cloudwatch:${region}:${accountId}:alarm:${i.AlarmName}`,
      ...(i.AlarmDescription ? { AlarmDescription: i.AlarmDescription } : {}),
      ActionsEnabled: i.ActionsEnabled ?? true,
      AlarmActions: [...(i.AlarmActions ?? [])],
      OKActions: [...(i.OKActions ?? [])],
      InsufficientDataActions: [...(i.InsufficientDataActions ?? [])],
      MetricName,
      Namespace,
      Statistic: stat as Statistic,
      Dimensions: (Dimensions ?? []).map((d) => ({ Name: d.Name ?? '', Value: d.Value ?? '' })),
      Period: period,
      EvaluationPeriods: evals,
      DatapointsToAlarm: dta,
      Threshold: i.Threshold ?? 0,
      ComparisonOperator: i.ComparisonOperator ?? 'GreaterThanThreshold',
      TreatMissingData: i.TreatMissingData ?? 'missing',
      ...(i.Unit ? { Unit: i.Unit } : {}),
      StateValue: old?.StateValue ?? 'INSUFFICIENT_DATA',
      StateReason: old?.StateReason ?? 'Unchecked: Initial alarm creation',
      ...(old?.StateReasonData ? { StateReasonData: old.StateReasonData } : {}),
      StateUpdatedTimestamp: old?.StateUpdatedTimestamp ?? now,
      StateTransitionedTimestamp: old?.StateTransitionedTimestamp ?? now,
      AlarmConfigurationUpdatedTimestamp: now,
      tags: [
        ...(old?.tags ?? []),
        ...(i.Tags ?? []).map((t) => ({ Key: t.Key ?? '', Value: t.Value ?? '' })),
      ],
    });
  }

  /** The CloudWatch command table. */
  api(): CommandTable {
    return {
      PutMetricData: command<PutMetricDataCommandInput>((i) => {
        if (!i.Namespace)
          throw awsError('cloudwatch', 'MissingParameter', 'The parameter Namespace is required.');
        if (i.Namespace.startsWith('AWS/'))
          throw invalid('The value AWS/ for parameter Namespace is invalid.');
        checkBatch('cloudwatch', 'PutMetricData', 'MetricData', i.MetricData, 1000, 1);
        for (const d of i.MetricData ?? []) {
          const id = {
            namespace: i.Namespace,
            name: d.MetricName ?? '',
            dims: (d.Dimensions ?? []).map((x) => ({ Name: x.Name ?? '', Value: x.Value ?? '' })),
          };
          const t = d.Timestamp ? new Date(d.Timestamp).getTime() : this.ctx.clock.nowMs;
          const s = d.StatisticValues;
          if (s)
            this.metrics.putStats(id, t, {
              SampleCount: s.SampleCount ?? 0,
              Sum: s.Sum ?? 0,
              Minimum: s.Minimum ?? 0,
              Maximum: s.Maximum ?? 0,
            });
          else this.metrics.put(id, t, d.Values ?? (d.Value !== undefined ? [d.Value] : []), d.Counts);
        }
        return {};
      }),
      PutMetricAlarm: command<PutMetricAlarmCommandInput>((i) => {
        this.putAlarm(i);
        return {};
      }),
      DescribeAlarms: command<DescribeAlarmsCommandInput>((i) => {
        checkBatch('cloudwatch', 'DescribeAlarms', 'AlarmNames', i.AlarmNames, 100);
        const all = [...this.alarms.values()]
          .filter((a) => !i.AlarmNames?.length || i.AlarmNames.includes(a.AlarmName))
          .filter((a) => !i.AlarmNamePrefix || a.AlarmName.startsWith(i.AlarmNamePrefix))
          .filter((a) => !i.StateValue || a.StateValue === i.StateValue)
          .filter((a) => !i.ActionPrefix || a.AlarmActions.some((x) => x.startsWith(i.ActionPrefix!)))
          .sort((a, b) => a.AlarmName.localeCompare(b.AlarmName));
        const wantsMetric = !i.AlarmTypes?.length || i.AlarmTypes.includes('MetricAlarm');
        const page = paginate(
          'cloudwatch',
          'DescribeAlarms',
          wantsMetric ? all : [],
          i.NextToken,
          i.MaxRecords,
          50,
          100,
        );
        return {
          // No copy here: the dispatcher's compact() deep-copies every answer.
          MetricAlarms: page.items.map(({ tags: _t, ...a }) => a),
          CompositeAlarms: [],
          NextToken: page.nextToken,
        };
      }),
      DeleteAlarms: command<DeleteAlarmsCommandInput>((i) => {
        checkBatch('cloudwatch', 'DeleteAlarms', 'AlarmNames', i.AlarmNames, 100);
        const missing = (i.AlarmNames ?? []).filter((n) => !this.alarms.has(n));
        if (missing.length)
          throw awsError('cloudwatch', 'ResourceNotFound', `Alarm(s) not found: ${missing.join(', ')}`, 404);
        for (const n of i.AlarmNames ?? []) this.alarms.delete(n);
        return {};
      }),
      ListTagsForResource: command<ListTagsForResourceCommandInput>((i) => {
        const a = this.alarmByArn(i.ResourceARN);
        return { Tags: a.tags.map((t) => ({ ...t })) };
      }),
      TagResource: command<TagResourceCommandInput>((i) => {
        const a = this.alarmByArn(i.ResourceARN);
        for (const t of i.Tags ?? []) {
          a.tags = a.tags.filter((x) => x.Key !== t.Key);
          a.tags.push({ Key: t.Key ?? '', Value: t.Value ?? '' });
        }
        return {};
      }),
    };
  }
}
