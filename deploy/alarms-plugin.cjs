'use strict';
/**
 * The stack's own alarms (docs/observability.md "Alarms"), added to the CloudFormation template at
 * package time for whatever functions and queues serverless.yml declares — a function added later gets
 * its alarms without an edit here:
 * - per function: Errors ≥ 1 and Throttles ≥ 1 in 5 minutes (AWS/Lambda, FunctionName);
 * - per function with a `rate(1 minute)` schedule: "missing tick" — fewer than 1 invocation in each of 5
 *   consecutive minutes, missing data breaching (the schedule stopped, the rule was disabled, or the
 *   function cannot be invoked);
 * - per failure queue (FailedInvocationsQueue, and every queue another queue's RedrivePolicy names as
 *   its dead-letter target): ApproximateNumberOfMessagesVisible ≥ 1;
 * - per account and region: DrainsHitMaxTime, Conflicts and UnplaceableTasks of any cluster, and the
 *   errors the functions handle themselves (ClusterScalerErrors, ConfigurationErrors, DrainErrors,
 *   ServiceScalerErrors, DecisionEventErrors), with CloudWatch Metrics Insights queries over the
 *   EcsAutoscaler namespace (new clusters are covered without a redeploy).
 * Alarm actions: the SNS topic of the CloudFormation parameter `AlarmTopicArn` (ALARM and OK), whose
 * default is the Serverless param `alarmTopicArn`; empty (the default) notifies nobody. A release
 * template user sets it at deploy time (`--parameter-overrides AlarmTopicArn=…`).
 */

/** CloudFormation parameter and condition names. */
const TOPIC_PARAMETER = 'AlarmTopicArn';
const NOTIFY_CONDITION = 'NotifyAlarmTopic';

/** Metrics Insights alarms on the functions' own metrics (names as in shared/runtime/metric-names.ts). */
const METRIC_ALARMS = [
  {
    id: 'DrainsHitMaxTime',
    fn: 'SUM',
    description:
      'An instance was terminated with tasks still running: the maximum drain time was reached (docs/drain.md).',
  },
  {
    id: 'Conflicts',
    fn: 'MAX',
    description:
      'A managed group is also driven by another controller (capacity-provider managed scaling, its own scaling policies, another hook): the scaler stands aside.',
  },
  {
    id: 'UnplaceableTasks',
    fn: 'MAX',
    description:
      'Tasks that no instance type of the group can ever run: fix the task or the group (report findings).',
  },
  // Errors the functions handle themselves (a skipped cluster, a refused write): Lambda sees a success,
  // so the AWS/Lambda Errors alarms cannot tell.
  {
    id: 'ClusterScalerErrors',
    fn: 'SUM',
    description:
      'A cluster decision failed (AWS refused a call, the cluster or its group is gone): the cluster-scaler ERROR log names it.',
  },
  {
    id: 'ConfigurationErrors',
    fn: 'SUM',
    description:
      'A cluster is skipped for a bad ecs-autoscaler:* tag or several tagged groups: the ERROR log names the tag.',
  },
  {
    id: 'DrainErrors',
    fn: 'SUM',
    description:
      'The drainer could not handle an event or a group (bad event, bad tag, AWS refused): the instance-drainer ERROR log.',
  },
  {
    id: 'ServiceScalerErrors',
    fn: 'SUM',
    description:
      'A service alarm could not be handled (half-tagged alarm, bad tag, unknown service): the service-scaler ERROR log.',
  },
  {
    id: 'DecisionEventErrors',
    fn: 'SUM',
    description:
      'A decision event or last-decision record could not be written (the decision itself was applied): WARN "decision event not published".',
  },
];

const pascal = (name) =>
  name
    .split(/[^A-Za-z0-9]/)
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('');

/**
 * True when a function has an enabled 1-minute schedule (`rate(1 minute)`, plain or EventBridge): the
 * "no invocation for 5 minutes" alarm is only right for those.
 */
const hasMinuteSchedule = (fn) =>
  (fn.events ?? []).some((e) => {
    const s = e.schedule ?? e.eventBridge?.schedule;
    if (s && typeof s === 'object' && s.enabled === false) return false;
    const rate = typeof s === 'string' ? s : s?.rate;
    return [rate]
      .flat()
      .some((r) => typeof r === 'string' && /^rate\(\s*(1\s+minute|60\s+seconds?)\s*\)$/.test(r));
  });

/**
 * The alarm resources for a template (pure: used by the plugin and by test/deploy/template.test.ts).
 * @param {object} opts
 * @param {Array<{ name: string, logicalId: string, definition: object }>} opts.functions
 * @param {Record<string, { Type: string, Properties?: object }>} opts.resources template resources so far
 * @param {string} opts.prefix alarm name prefix, e.g. `ecs-autoscaler-prod`
 * @param {string} opts.namespace the functions' metric namespace
 * @returns {Record<string, object>} logical id → AWS::CloudWatch::Alarm
 */
const buildAlarms = ({ functions, resources, prefix, namespace }) => {
  const topic = { 'Fn::If': [NOTIFY_CONDITION, [{ Ref: TOPIC_PARAMETER }], { Ref: 'AWS::NoValue' }] };
  const actions = { AlarmActions: topic, OKActions: topic };
  const out = {};
  const alarm = (id, props) => {
    if (out[id] || resources[id]) throw new Error(`alarms-plugin: logical id ${id} is already taken`);
    out[id] = { Type: 'AWS::CloudWatch::Alarm', Properties: { ActionsEnabled: true, ...actions, ...props } };
  };
  for (const { name, logicalId, definition } of functions) {
    const dims = [{ Name: 'FunctionName', Value: { Ref: logicalId } }];
    const base = `${pascal(name)}`;
    for (const [metric, what] of [
      [
        'Errors',
        'failed (an exception or a timeout; asynchronous events are retried, then go to the failed-invocations queue)',
      ],
      ['Throttles', 'was throttled (concurrency limit reached)'],
    ]) {
      alarm(`${base}${metric}Alarm`, {
        AlarmName: `${prefix}-${name}-${metric.toLowerCase()}`,
        AlarmDescription: `ecs-autoscaler: ${name} ${what} at least once in 5 minutes. Logs: /aws/lambda/${prefix}-${name}.`,
        Namespace: 'AWS/Lambda',
        MetricName: metric,
        Dimensions: dims,
        Statistic: 'Sum',
        Period: 300,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      });
    }
    if (hasMinuteSchedule(definition)) {
      alarm(`${base}MissingTickAlarm`, {
        AlarmName: `${prefix}-${name}-missing-tick`,
        AlarmDescription: `ecs-autoscaler: ${name} was not invoked for 5 minutes although its schedule runs every minute: check the EventBridge schedule rule and the function.`,
        Namespace: 'AWS/Lambda',
        MetricName: 'Invocations',
        Dimensions: dims,
        Statistic: 'Sum',
        Period: 60,
        EvaluationPeriods: 5,
        DatapointsToAlarm: 5,
        Threshold: 1,
        ComparisonOperator: 'LessThanThreshold',
        // No datapoint at all is exactly what a stopped tick looks like.
        TreatMissingData: 'breaching',
      });
    }
  }
  const deadLetterTargets = new Set(
    Object.values(resources)
      .map((r) => r.Properties?.RedrivePolicy?.deadLetterTargetArn?.['Fn::GetAtt']?.[0])
      .filter(Boolean),
  );
  for (const [id, r] of Object.entries(resources)) {
    if (r.Type !== 'AWS::SQS::Queue') continue;
    if (id !== 'FailedInvocationsQueue' && !deadLetterTargets.has(id)) continue;
    // A depth alarm the stack already declares for this queue is kept, not doubled.
    const watched = Object.values(resources).some(
      (a) =>
        a.Type === 'AWS::CloudWatch::Alarm' &&
        a.Properties?.MetricName === 'ApproximateNumberOfMessagesVisible' &&
        JSON.stringify(a.Properties?.Dimensions ?? []).includes(`"${id}"`),
    );
    if (watched) continue;
    alarm(`${id}DepthAlarm`, {
      AlarmName: `${prefix}-${id}-not-empty`,
      AlarmDescription: `ecs-autoscaler: messages wait in ${id} — events or requests that failed after their retries. Each message holds the event and the error (docs/operations.md).`,
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [id, 'QueueName'] } }],
      Statistic: 'Maximum',
      Period: 300,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
  }
  for (const m of METRIC_ALARMS) {
    alarm(`AnyCluster${m.id}Alarm`, {
      AlarmName: `${prefix}-${m.id}`,
      AlarmDescription: `ecs-autoscaler: ${m.description} Which cluster: the dashboard, or the decision events.`,
      Metrics: [
        {
          Id: 'q1',
          Expression: `SELECT ${m.fn}(${m.id}) FROM SCHEMA("${namespace}", ClusterName)`,
          Period: 300,
          ReturnData: true,
        },
      ],
      EvaluationPeriods: 1,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
    });
  }
  return out;
};

/**
 * The `AlarmTopicArn` parameter (default: `topicArn`) and the condition that turns notifications on.
 * @param {string | undefined} topicArn
 */
const buildTopicParameter = (topicArn) => ({
  parameters: {
    [TOPIC_PARAMETER]: {
      Type: 'String',
      Default: topicArn ?? '',
      Description:
        'SNS topic ARN notified when one of the stack alarms changes state (empty: no notification).',
    },
  },
  conditions: {
    [NOTIFY_CONDITION]: { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: TOPIC_PARAMETER }, ''] }] },
  },
});

/** Serverless Framework plugin: merges {@link buildAlarms} into the compiled template. */
class AlarmsPlugin {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = { 'before:package:finalize': () => this.addAlarms() };
  }

  addAlarms() {
    const sls = this.serverless;
    const service = sls.service;
    const template = service.provider.compiledCloudFormationTemplate;
    const naming = sls.getProvider('aws').naming;
    const custom = service.custom?.alarms ?? {};
    // `resources` is one object or a list of them (serverless.yml lists files).
    const extra = [service.resources ?? []].flat().map((r) => r?.Resources ?? {});
    const resources = Object.assign({}, template.Resources, ...extra);
    const functions = service.getAllFunctions().map((name) => ({
      name,
      logicalId: naming.getLambdaLogicalId(name),
      definition: service.getFunction(name),
    }));
    const alarms = buildAlarms({
      functions,
      resources,
      prefix: `${service.service}-${sls.getProvider('aws').getStage()}`,
      namespace: service.provider.environment?.POWERTOOLS_METRICS_NAMESPACE ?? 'EcsAutoscaler',
    });
    const { parameters, conditions } = buildTopicParameter(custom.topicArn);
    template.Parameters = { ...(template.Parameters ?? {}), ...parameters };
    template.Conditions = { ...(template.Conditions ?? {}), ...conditions };
    Object.assign(template.Resources, alarms);
  }
}

module.exports = AlarmsPlugin;
module.exports.buildAlarms = buildAlarms;
module.exports.buildTopicParameter = buildTopicParameter;
