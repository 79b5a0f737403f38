/**
 * The stack's own alarms in the template `npm run package` generated (deploy/alarms-plugin.cjs,
 * docs/observability.md "Alarms"): every function's errors and throttles, a missing tick for every
 * scheduled function, the failure queues' depth, DrainsHitMaxTime / Conflicts / UnplaceableTasks of any
 * cluster; notifications only with `alarmTopicArn`; the IAM the decision events need, and no more.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const TEMPLATE = '.serverless/cloudformation-template-update-stack.json';
type Resource = { Type: string; Properties: Record<string, unknown>; DependsOn?: unknown };
const hasTemplate = existsSync(TEMPLATE);
const template = hasTemplate
  ? (JSON.parse(readFileSync(TEMPLATE, 'utf8')) as { Resources: Record<string, Resource> })
  : { Resources: {} };
const resources = Object.entries(template.Resources);
const ofType = (type: string) => resources.filter(([, r]) => r.Type === type);
const alarms = () => ofType('AWS::CloudWatch::Alarm').map(([, r]) => r.Properties);
const refersTo = (value: unknown, logicalId: string): boolean =>
  JSON.stringify(value).includes(`"${logicalId}"`);
const onFunction = (logicalId: string, metric: string) =>
  alarms().filter(
    (a) => a.Namespace === 'AWS/Lambda' && a.MetricName === metric && refersTo(a.Dimensions, logicalId),
  );

const { buildAlarms, buildTopicParameter } = createRequire(import.meta.url)(
  '../../deploy/alarms-plugin.cjs',
) as {
  buildAlarms: (opts: Record<string, unknown>) => Record<string, Resource>;
  buildTopicParameter: (topicArn: string | undefined) => {
    parameters: { AlarmTopicArn: { Default: string } };
  };
};

describe.runIf(hasTemplate)('the stack alarms on itself', () => {
  const functions = ofType('AWS::Lambda::Function');

  it("alarms on every function's errors and throttles (≥ 1 in 5 minutes)", () => {
    expect(functions.length).toBeGreaterThanOrEqual(4);
    for (const [id] of functions) {
      for (const metric of ['Errors', 'Throttles']) {
        const [alarm, ...more] = onFunction(id, metric);
        expect(alarm, `${id} ${metric}`).toMatchObject({
          Statistic: 'Sum',
          Period: 300,
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          TreatMissingData: 'notBreaching',
        });
        expect(more).toEqual([]);
      }
    }
  });

  it('alarms when a scheduled function got no invocation for 5 minutes (no datapoint = breaching)', () => {
    const scheduled = functions.filter(([id]) =>
      ofType('AWS::Events::Rule').some(
        ([, rule]) =>
          rule.Properties.ScheduleExpression !== undefined && refersTo(rule.Properties.Targets, id),
      ),
    );
    expect(scheduled.length).toBeGreaterThanOrEqual(3);
    for (const [id] of scheduled) {
      expect(onFunction(id, 'Invocations'), id).toEqual([
        expect.objectContaining({
          Statistic: 'Sum',
          Period: 60,
          EvaluationPeriods: 5,
          DatapointsToAlarm: 5,
          Threshold: 1,
          ComparisonOperator: 'LessThanThreshold',
          TreatMissingData: 'breaching',
        }),
      ]);
    }
  });

  it('alarms when failed invocations wait in the failed-invocations queue', () => {
    const depth = alarms().filter(
      (a) =>
        a.MetricName === 'ApproximateNumberOfMessagesVisible' &&
        refersTo(a.Dimensions, 'FailedInvocationsQueue'),
    );
    expect(depth).toEqual([
      expect.objectContaining({
        Namespace: 'AWS/SQS',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      }),
    ]);
  });

  it.each([
    ['DrainsHitMaxTime', 'SUM'],
    ['Conflicts', 'MAX'],
    ['UnplaceableTasks', 'MAX'],
    ['ClusterScalerErrors', 'SUM'],
    ['ConfigurationErrors', 'SUM'],
    ['DrainErrors', 'SUM'],
    ['ServiceScalerErrors', 'SUM'],
    ['DecisionEventErrors', 'SUM'],
  ])('alarms on %s of any cluster (Metrics Insights over ClusterName)', (metric, fn) => {
    const found = alarms().filter((a) => JSON.stringify(a.Metrics ?? []).includes(`${fn}(${metric})`));
    expect(found).toHaveLength(1);
    const [query] = found[0]!.Metrics as { Expression: string; Period: number; ReturnData: boolean }[];
    expect(query).toEqual({
      Id: 'q1',
      Expression: `SELECT ${fn}(${metric}) FROM SCHEMA("EcsAutoscaler", ClusterName)`,
      Period: 300,
      ReturnData: true,
    });
    expect(found[0]).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
  });

  it('notifies the AlarmTopicArn topic, ALARM and OK, only when the parameter is set (default: nobody)', () => {
    const t = template as unknown as {
      Parameters: Record<string, { Default: string }>;
      Conditions: Record<string, unknown>;
    };
    expect(t.Parameters.AlarmTopicArn!.Default).toBe('');
    expect(t.Conditions.NotifyAlarmTopic).toEqual({
      'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'AlarmTopicArn' }, ''] }],
    });
    const own = alarms().filter((a) => String(a.AlarmName).startsWith('ecs-autoscaler-prod-'));
    expect(own.length).toBeGreaterThanOrEqual(14);
    const topic = { 'Fn::If': ['NotifyAlarmTopic', [{ Ref: 'AlarmTopicArn' }], { Ref: 'AWS::NoValue' }] };
    for (const a of own) expect(a).toMatchObject({ AlarmActions: topic, OKActions: topic });
  });

  it('lets the decision events out only as source ecs-autoscaler, on the default bus, and SSM only under /ecs-autoscaler/', () => {
    const statements = ofType('AWS::IAM::Policy').flatMap(([, p]) =>
      (p.Properties.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement.map(
        (s): Record<string, unknown> => ({ roles: p.Properties.Roles, ...s }),
      ),
    );
    const put = statements.filter((s) => [s.Action].flat().includes('events:PutEvents'));
    expect(put).toHaveLength(1);
    expect(put[0]!.Condition).toEqual({ StringEquals: { 'events:source': 'ecs-autoscaler' } });
    expect(JSON.stringify(put[0]!.Resource)).toContain(':event-bus/default');
    for (const s of statements.filter((x) => [x.Action].flat().some((a) => String(a).startsWith('ssm:')))) {
      expect(JSON.stringify(s.Resource)).toContain(':parameter/ecs-autoscaler/*');
    }
    const writers = statements.filter((s) => [s.Action].flat().includes('ssm:PutParameter'));
    expect(JSON.stringify(writers.map((w) => w.roles))).not.toContain('CapacityReportRole');
  });
});

describe('alarm generation (deploy/alarms-plugin.cjs)', () => {
  const fn = (name: string, events: unknown[] = []) => ({
    name,
    logicalId: `${name}Fn`,
    definition: { events },
  });
  const resources = {
    FailedInvocationsQueue: { Type: 'AWS::SQS::Queue', Properties: {} },
    WorkQueue: {
      Type: 'AWS::SQS::Queue',
      Properties: { RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': ['WorkDlq', 'Arn'] } } },
    },
    WorkDlq: { Type: 'AWS::SQS::Queue', Properties: {} },
  };
  const build = () =>
    buildAlarms({
      functions: [
        fn('a', [{ schedule: { rate: 'rate(1 minute)' } }]),
        fn('b', [{ sqs: { arn: 'x' } }, { schedule: 'rate(1 hour)' }]),
      ],
      resources,
      prefix: 'ecs-autoscaler-test',
      namespace: 'EcsAutoscaler',
    });

  it('covers whatever functions and dead-letter queues exist, with a tick alarm only for scheduled ones', () => {
    expect(Object.keys(build()).sort()).toEqual(
      [
        'AErrorsAlarm',
        'AMissingTickAlarm',
        'AThrottlesAlarm',
        'BErrorsAlarm',
        'BThrottlesAlarm',
        'AnyClusterClusterScalerErrorsAlarm',
        'AnyClusterConfigurationErrorsAlarm',
        'AnyClusterConflictsAlarm',
        'AnyClusterDecisionEventErrorsAlarm',
        'AnyClusterDrainErrorsAlarm',
        'AnyClusterDrainsHitMaxTimeAlarm',
        'AnyClusterServiceScalerErrorsAlarm',
        'FailedInvocationsQueueDepthAlarm',
        'AnyClusterUnplaceableTasksAlarm',
        'WorkDlqDepthAlarm',
      ].sort(),
    );
  });

  it('refuses a logical id that is already taken instead of overwriting it', () => {
    expect(() =>
      buildAlarms({
        functions: [fn('a')],
        resources: { ...resources, AErrorsAlarm: { Type: 'AWS::CloudWatch::Alarm', Properties: {} } },
        prefix: 'p',
        namespace: 'EcsAutoscaler',
      }),
    ).toThrow(/AErrorsAlarm is already taken/);
  });

  it('takes the Serverless param alarmTopicArn as the default of the AlarmTopicArn parameter', () => {
    const topic = 'arn:aws:sns:us-east-1:123456789012:ops';
    expect(buildTopicParameter(topic).parameters.AlarmTopicArn.Default).toBe(topic);
    expect(buildTopicParameter(undefined).parameters.AlarmTopicArn.Default).toBe('');
  });
});
