/**
 * Reads the CloudFormation template that `npm run package` generated and fails on what an operator
 * reviewing the stack must never find: a function without its trigger, a `*` action, a mutating action
 * on `*` without a condition, a function bundle over {@link MAX_BUNDLE_KIB}.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { STATE_TAGS } from '../../shared/core/cluster/index.js';

const TEMPLATE = '.serverless/cloudformation-template-update-stack.json';
/** Functions invoked by hand only (no trigger by design). */
const MANUAL = new Set(['capacity-report']);
/**
 * Issue 18's target: every function bundle ≤ 400 KiB (largest 378 KiB on 2026-12-03 after the JSON
 * stand-ins, docs/bundles.md). Never raise it without saying in docs/bundles.md what the extra weight buys.
 */
const MAX_BUNDLE_KIB = 400;

type Resource = { Type: string; Properties: Record<string, unknown> };
interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

const hasTemplate = existsSync(TEMPLATE);
const template = hasTemplate
  ? (JSON.parse(readFileSync(TEMPLATE, 'utf8')) as { Resources: Record<string, Resource> })
  : { Resources: {} };
const resources = Object.entries(template.Resources);
const ofType = (type: string) => resources.filter(([, r]) => r.Type === type);

const functionName = (r: Resource): string =>
  String(r.Properties.FunctionName).replace(/^ecs-autoscaler-[^-]+-/, '');
const refersTo = (value: unknown, logicalId: string): boolean =>
  JSON.stringify(value).includes(`"${logicalId}"`);
const isReadOnly = (action: string): boolean => /^[a-z0-9-]+:(Describe|List|Get)[A-Za-z]*$/.test(action);
const statements = (): { role: string; policy: string; statement: Statement }[] =>
  ofType('AWS::IAM::Role').flatMap(([role, r]) =>
    (
      (r.Properties.Policies ?? []) as { PolicyName: string; PolicyDocument: { Statement: Statement[] } }[]
    ).flatMap((p) =>
      p.PolicyDocument.Statement.map((statement) => ({ role, policy: p.PolicyName, statement })),
    ),
  );

describe.runIf(hasTemplate)('generated CloudFormation template', () => {
  it('gives every function except the manual report at least one EventBridge rule, schedule or queue', () => {
    const rules = ofType('AWS::Events::Rule');
    const mappings = ofType('AWS::Lambda::EventSourceMapping');
    const functions = ofType('AWS::Lambda::Function');
    expect(functions.map(([, r]) => functionName(r)).sort()).toEqual([
      'capacity-report',
      'cluster-dispatcher',
      'cluster-scaler',
      'instance-drainer',
      'service-scaler',
    ]);
    for (const [id, fn] of functions) {
      const triggers = [
        ...rules.filter(([, rule]) => refersTo(rule.Properties.Targets, id)),
        ...mappings.filter(([, m]) => refersTo(m.Properties.FunctionName, id)),
      ];
      if (MANUAL.has(functionName(fn))) expect(triggers).toHaveLength(0);
      else expect(triggers.length, `${functionName(fn)} has no trigger`).toBeGreaterThan(0);
    }
  });

  it('gives each function its own role', () => {
    const roles = ofType('AWS::Lambda::Function').map(([, r]) => JSON.stringify(r.Properties.Role));
    expect(new Set(roles).size).toBe(roles.length);
  });

  it('grants no wildcard action', () => {
    const wildcards = statements().filter(({ statement }) =>
      [statement.Action].flat().some((a) => a === '*' || a.endsWith(':*')),
    );
    expect(wildcards).toEqual([]);
  });

  it('scopes every mutating action to resource ARNs or a condition, never to a bare *', () => {
    // A Resource may be a string, an intrinsic ({ Fn::Sub }) or a list of them; "*" in any form counts.
    const resourcesOf = (r: unknown): string[] =>
      [r].flat().map((x) => (typeof x === 'string' ? x : JSON.stringify(Object.values(x as object)[0])));
    // "*", or every resource of a service in the account (arn:…:<service>:<region>:<account>:*).
    // `${AWS::Region}`-style parameters hold colons: replace them before splitting the ARN.
    const isWildcard = (raw: string): boolean => {
      const arn = raw.replace(/\$\{[^}]+\}/g, 'P').replace(/^"|"$/g, '');
      return arn === '*' || /^arn:[^:]*:[^:]*:[^:]*:[^:]*:\*$/.test(arn);
    };
    const offenders = statements()
      .filter(
        ({ statement }) =>
          resourcesOf(statement.Resource).some(isWildcard) && statement.Condition === undefined,
      )
      .flatMap(({ role, statement }) =>
        [statement.Action]
          .flat()
          .filter((a) => !isReadOnly(a))
          .map((a) => `${role}: ${a}`),
      );
    expect(offenders).toEqual([]);
  });

  it('lets the cluster scaler write every state tag the planner writes, and no other tag', () => {
    // The planner's state tags (STATE_TAGS) must pass the CreateOrUpdateTags condition, or AWS refuses
    // the write and the scaler loses its memory (pacing, cooldowns, predictive history).
    const patterns = statements()
      .filter(
        ({ role, statement }) =>
          role === 'ClusterScalerRole' &&
          [statement.Action].flat().includes('autoscaling:CreateOrUpdateTags'),
      )
      .flatMap(({ statement }) => {
        const c = statement.Condition as Record<string, Record<string, string[]>> | undefined;
        return c?.['ForAllValues:StringLike']?.['aws:TagKeys'] ?? [];
      });
    expect(patterns.length).toBeGreaterThan(0);
    const allowed = (key: string) =>
      patterns.some((p) =>
        new RegExp(`^${p.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(key),
      );
    expect(Object.values(STATE_TAGS).filter((k) => !allowed(k))).toEqual([]);
    expect(allowed('ecs-autoscaler:cluster')).toBe(false);
  });

  it(`keeps every function bundle under ${MAX_BUNDLE_KIB} KiB (and reports the sizes)`, () => {
    for (const [, fn] of ofType('AWS::Lambda::Function')) {
      const name = functionName(fn);
      const bundle = `.esbuild/functions/${name}/handler.mjs`;
      const zip = `.serverless/${name}.zip`;
      const size = statSync(bundle).size;
      console.log(
        `bundle ${name}: ${(size / 1024).toFixed(1)} KiB (zip ${(statSync(zip).size / 1024).toFixed(1)} KiB)`,
      );
      expect(size, `bundle ${name}`).toBeLessThanOrEqual(MAX_BUNDLE_KIB * 1024);
    }
  });
});

describe.runIf(hasTemplate)('cluster queue (issue 19: one deployment for a big account)', () => {
  const byId = Object.fromEntries(resources);
  const fnId = (name: string) =>
    ofType('AWS::Lambda::Function').find(([, r]) => functionName(r) === name)?.[0] ?? `no ${name}`;

  it('is a FIFO queue whose failed requests end in a FIFO dead-letter queue with a depth alarm', () => {
    const q = byId.ClusterQueue!.Properties;
    expect(q.FifoQueue).toBe(true);
    const redrive = q.RedrivePolicy as { deadLetterTargetArn: unknown; maxReceiveCount: number };
    expect(refersTo(redrive.deadLetterTargetArn, 'ClusterDeadLetterQueue')).toBe(true);
    expect(redrive.maxReceiveCount).toBeGreaterThanOrEqual(2);
    expect(byId.ClusterDeadLetterQueue!.Properties.FifoQueue).toBe(true);
    const alarm = ofType('AWS::CloudWatch::Alarm').find(([, a]) =>
      refersTo(a.Properties.Dimensions, 'ClusterDeadLetterQueue'),
    );
    // The stack's alarm plugin (deploy/alarms-plugin.cjs) alarms on every dead-letter target: ≥ 1 message.
    expect(alarm?.[1].Properties).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
    });
  });

  it('alarms when cluster requests wait more than two minutes (decisions late)', () => {
    const late = ofType('AWS::CloudWatch::Alarm').find(
      ([, a]) =>
        a.Properties.MetricName === 'ApproximateAgeOfOldestMessage' &&
        refersTo(a.Properties.Dimensions, 'ClusterQueue'),
    );
    expect(late?.[1].Properties).toMatchObject({ Namespace: 'AWS/SQS', Threshold: 120 });
  });

  it('feeds the cluster scaler with partial batch responses, a FIFO batch size and a concurrency cap', () => {
    const [, mapping] = ofType('AWS::Lambda::EventSourceMapping').find(([, m]) =>
      refersTo(m.Properties.FunctionName, fnId('cluster-scaler')),
    )!;
    expect(refersTo(mapping.Properties.EventSourceArn, 'ClusterQueue')).toBe(true);
    expect(mapping.Properties.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
    expect(mapping.Properties.BatchSize).toBeLessThanOrEqual(10);
    const max = (mapping.Properties.ScalingConfig as { MaximumConcurrency: number }).MaximumConcurrency;
    expect(max).toBeGreaterThanOrEqual(2);
    expect(max).toBeLessThanOrEqual(1000);
    // Lambda rejects a mapping whose queue's visibility timeout is shorter than the function's timeout.
    const timeout = Number(byId[fnId('cluster-scaler')]!.Properties.Timeout);
    expect(Number(byId.ClusterQueue!.Properties.VisibilityTimeout)).toBeGreaterThanOrEqual(timeout);
  });

  it('moves the tick and the cluster alarms to the dispatcher: the cluster scaler has no EventBridge rule', () => {
    const rules = ofType('AWS::Events::Rule');
    const targets = (name: string) => rules.filter(([, r]) => refersTo(r.Properties.Targets, fnId(name)));
    expect(targets('cluster-scaler')).toEqual([]);
    // The tick, the scaler's alarms, and ECS's task placement failures (decided at once).
    const dispatcher = targets('cluster-dispatcher');
    expect(dispatcher.length).toBe(3);
    const patterns = dispatcher.map(([, r]) => r.Properties.EventPattern).filter(Boolean);
    expect(patterns).toContainEqual(
      expect.objectContaining({
        source: ['aws.ecs'],
        'detail-type': ['ECS Service Action'],
        detail: { eventName: ['SERVICE_TASK_PLACEMENT_FAILURE'] },
      }),
    );
    const fn = byId[fnId('cluster-dispatcher')]!.Properties as {
      Environment: { Variables: Record<string, unknown> };
    };
    expect(refersTo(fn.Environment.Variables.CLUSTER_QUEUE_URL, 'ClusterQueue')).toBe(true);
  });

  it('lets only the cluster scaler write groups: the service scaler may only queue requests', () => {
    const writes = statements()
      .filter(({ role }) => role !== 'ClusterScalerRole' && role !== 'InstanceDrainerRole')
      .flatMap(({ role, statement }) =>
        [statement.Action]
          .flat()
          .filter((a) => a.startsWith('autoscaling:') && !isReadOnly(a))
          .map((a) => `${role}: ${a}`),
      );
    expect(writes).toEqual([]);
    const queueSenders = statements().filter(
      ({ statement }) =>
        [statement.Action].flat().includes('sqs:SendMessage') && refersTo(statement.Resource, 'ClusterQueue'),
    );
    expect(queueSenders.map((s) => s.role).sort()).toEqual(['ClusterDispatcherRole', 'ServiceScalerRole']);
  });

  it('does not invoke the drainer for every task stop of the account', () => {
    const drainerRules = ofType('AWS::Events::Rule').filter(([, r]) =>
      refersTo(r.Properties.Targets, fnId('instance-drainer')),
    );
    const patterns = drainerRules
      .map(([, r]) => r.Properties.EventPattern as Record<string, unknown> | undefined)
      .filter((p): p is Record<string, unknown> => p !== undefined);
    expect(patterns.flatMap((p) => (p['detail-type'] as string[] | undefined) ?? [])).not.toContain(
      'ECS Task State Change',
    );
    const ci = patterns.find((p) =>
      (p['detail-type'] as string[]).includes('ECS Container Instance State Change'),
    );
    expect(ci).toBeDefined();
    expect((ci!.detail as { status: string[] }).status).not.toContain('ACTIVE');
  });
});

// In CI `npm test` packages before testing, so a missing template is a failure there, not a skip.
it.runIf(process.env.CI)('finds the generated template in CI', () => {
  expect(existsSync(TEMPLATE)).toBe(true);
});
