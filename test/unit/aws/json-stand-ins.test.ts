/**
 * The function bundles' stand-ins for the SDK clients of AWS JSON services (shared/aws/lambda/*-json.ts,
 * aliased by scripts/build.mjs through shared/aws/lambda/stand-ins.json) checked against the real SDK
 * clients: both send every command the functions use to the same local HTTP server (127.0.0.1), which
 * records the requests and gives both the same answers. The requests must carry the same target,
 * content type, query mode, signing scope and JSON body; the outputs must be equal (timestamps as
 * Dates, nulls left out); errors must be named alike and translate to the same error class; retries
 * and the endpoint variables behave as documented. The timestamp lists are checked against the SDK's
 * own operation schemas, and each stand-in against what the functions import from its package.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { NormalizedSchema } from '@smithy/core/schema';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { translateAwsError } from '../../../shared/aws/errors.js';
import type { JsonServiceClient } from '../../../shared/aws/lambda/json-client.js';
import { AwsRejectedError, TransientAwsError } from '../../../shared/core/errors.js';

const STAND_INS = JSON.parse(readFileSync('shared/aws/lambda/stand-ins.json', 'utf8')) as Record<
  string,
  string
>;

interface Seen {
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}
interface Answer {
  status: number;
  body: string;
  headers?: Record<string, string>;
}
let seen: Seen[] = [];
let answer: (s: Seen) => Answer = () => ({ status: 200, body: '{}' });
let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    let text = '';
    req.on('data', (c) => {
      text += c;
    });
    req.on('end', () => {
      const s = { path: req.url ?? '', headers: req.headers, body: text ? JSON.parse(text) : undefined };
      seen.push(s);
      const a = answer(s);
      res
        .writeHead(a.status, { 'content-type': 'application/x-amz-json-1.1', ...(a.headers ?? {}) })
        .end(a.body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => {
  seen = [];
  answer = () => ({ status: 200, body: '{}' });
});

const CREDENTIALS = { accessKeyId: 'AKIDSTANDIN', secretAccessKey: 'secret', sessionToken: 'tok' };
type Module = Record<string, new (...args: never[]) => unknown>;
interface Service {
  pkg: string;
  client: string;
  envSuffix: string;
}
const SERVICES: Service[] = [
  { pkg: '@aws-sdk/client-ecs', client: 'ECSClient', envSuffix: 'ECS' },
  { pkg: '@aws-sdk/client-ssm', client: 'SSMClient', envSuffix: 'SSM' },
  { pkg: '@aws-sdk/client-eventbridge', client: 'EventBridgeClient', envSuffix: 'EVENTBRIDGE' },
  { pkg: '@aws-sdk/client-sqs', client: 'SQSClient', envSuffix: 'SQS' },
  { pkg: '@aws-sdk/client-cloudwatch', client: 'CloudWatchClient', envSuffix: 'CLOUDWATCH' },
  {
    pkg: '@aws-sdk/client-application-auto-scaling',
    client: 'ApplicationAutoScalingClient',
    envSuffix: 'APPLICATION_AUTO_SCALING',
  },
];
const standIn = async (pkg: string): Promise<Module> => {
  const path = `../../../shared/aws/lambda/${STAND_INS[pkg]!.replace(/\.ts$/, '.js')}`;
  return (await import(/* @vite-ignore */ path)) as Module;
};
const sdk = async (pkg: string): Promise<Module> => (await import(pkg)) as Module;

interface Client {
  send(command: unknown): Promise<Record<string, unknown>>;
}
const sdkClient = async (s: Service): Promise<Client> =>
  new (await sdk(s.pkg))[s.client]!({
    region: 'eu-west-1',
    endpoint: url,
    credentials: CREDENTIALS,
    maxAttempts: 1,
  } as never) as unknown as Client;
const standInClient = async (s: Service, extra: Record<string, unknown> = {}): Promise<Client> =>
  new (await standIn(s.pkg))[s.client]!({
    env: {
      [`AWS_ENDPOINT_URL_${s.envSuffix}`]: url,
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
      AWS_SESSION_TOKEN: CREDENTIALS.sessionToken,
    },
    retryBaseMs: 1,
    ...extra,
  } as never) as unknown as Client;

const withoutMetadata = ({ $metadata: _, ...rest }: Record<string, unknown>) => rest;
const scope = (h: IncomingHttpHeaders) =>
  /Credential=AKIDSTANDIN\/\d{8}\/([^,]+),/.exec(h.authorization ?? '')?.[1];
const md5 = (s: string) => createHash('md5').update(s).digest('hex');

/** One call of each command the functions send, with an answer that uses the output's members. */
interface Case {
  pkg: string;
  command: string;
  input: Record<string, unknown>;
  output: Record<string, unknown>;
}
const at = 1_764_763_200.123; // 2025-12-03T12:00:00.123Z, as epoch seconds
const CASES: Case[] = [
  {
    pkg: '@aws-sdk/client-ecs',
    command: 'ListContainerInstancesCommand',
    input: { cluster: 'prod', status: 'ACTIVE', nextToken: 't1', maxResults: 100 },
    output: { containerInstanceArns: ['arn:ci/1'], nextToken: 't2' },
  },
  {
    pkg: '@aws-sdk/client-ecs',
    command: 'DescribeContainerInstancesCommand',
    input: { cluster: 'prod', containerInstances: ['arn:ci/1'], include: ['CONTAINER_INSTANCE_HEALTH'] },
    output: {
      containerInstances: [
        {
          containerInstanceArn: 'arn:ci/1',
          ec2InstanceId: 'i-1',
          status: 'ACTIVE',
          agentConnected: true,
          runningTasksCount: 2,
          registeredAt: at,
          remainingResources: [{ name: 'CPU', type: 'INTEGER', integerValue: 1024, doubleValue: 0 }],
          attributes: [{ name: 'ecs.instance-type', value: 'm5.large' }],
          healthStatus: { overallStatus: 'OK', details: [{ type: 'CONTAINER_RUNTIME', lastUpdated: at }] },
          statusReason: null,
        },
      ],
      failures: [],
    },
  },
  {
    pkg: '@aws-sdk/client-ecs',
    command: 'DescribeTasksCommand',
    input: { cluster: 'prod', tasks: ['arn:t/1'] },
    output: {
      tasks: [
        {
          taskArn: 'arn:t/1',
          lastStatus: 'RUNNING',
          createdAt: at,
          startedAt: at + 2,
          cpu: '256',
          containers: [{ name: 'web', cpu: 256, memoryReservation: 512 }],
          overrides: { containerOverrides: [] },
        },
      ],
      failures: [{ arn: 'arn:t/2', reason: 'MISSING' }],
    },
  },
  {
    pkg: '@aws-sdk/client-ecs',
    command: 'DescribeServicesCommand',
    input: { cluster: 'prod', services: ['web'], include: ['TAGS'] },
    output: {
      services: [
        {
          serviceName: 'web',
          desiredCount: 3,
          createdAt: at,
          deployments: [{ id: 'd', status: 'PRIMARY', createdAt: at, updatedAt: at + 1, runningCount: 3 }],
          events: [{ id: 'e', createdAt: at, message: 'steady' }],
          tags: [{ key: 'k', value: 'v' }],
        },
      ],
    },
  },
  {
    pkg: '@aws-sdk/client-ecs',
    command: 'UpdateContainerInstancesStateCommand',
    input: { cluster: 'prod', containerInstances: ['arn:ci/1'], status: 'DRAINING' },
    output: { containerInstances: [{ containerInstanceArn: 'arn:ci/1', status: 'DRAINING' }], failures: [] },
  },
  {
    pkg: '@aws-sdk/client-ecs',
    command: 'PutAttributesCommand',
    input: { cluster: 'prod', attributes: [{ name: 'a', value: '1', targetId: 'arn:ci/1' }] },
    output: { attributes: [{ name: 'a', value: '1', targetId: 'arn:ci/1' }] },
  },
  {
    pkg: '@aws-sdk/client-ecs',
    command: 'GetTaskProtectionCommand',
    input: { cluster: 'prod', tasks: ['arn:t/1'] },
    output: { protectedTasks: [{ taskArn: 'arn:t/1', protectionEnabled: true, expirationDate: at }] },
  },
  {
    pkg: '@aws-sdk/client-ecs',
    command: 'UpdateServiceCommand',
    input: { cluster: 'prod', service: 'web', desiredCount: 4 },
    output: { service: { serviceName: 'web', desiredCount: 4 } },
  },
  {
    pkg: '@aws-sdk/client-ecs',
    command: 'ListClustersCommand',
    input: { maxResults: 100 },
    output: { clusterArns: ['arn:cluster/prod'] },
  },
  {
    pkg: '@aws-sdk/client-ecs',
    command: 'DescribeClustersCommand',
    input: { clusters: ['prod'], include: ['TAGS', 'SETTINGS'] },
    output: {
      clusters: [
        { clusterName: 'prod', status: 'ACTIVE', tags: [{ key: 'k', value: 'v' }], capacityProviders: [] },
      ],
      failures: [],
    },
  },
  {
    pkg: '@aws-sdk/client-ecs',
    command: 'DescribeCapacityProvidersCommand',
    input: { capacityProviders: ['cp'] },
    output: {
      capacityProviders: [
        {
          name: 'cp',
          status: 'ACTIVE',
          updateStatus: 'UPDATE_COMPLETE',
          autoScalingGroupProvider: {
            autoScalingGroupArn: 'arn:asg',
            managedTerminationProtection: 'ENABLED',
          },
        },
      ],
    },
  },
  {
    pkg: '@aws-sdk/client-ecs',
    command: 'DescribeTaskDefinitionCommand',
    input: { taskDefinition: 'web:3' },
    output: {
      taskDefinition: {
        family: 'web',
        revision: 3,
        registeredAt: at,
        deregisteredAt: at + 10,
        containerDefinitions: [{ name: 'web', cpu: 256, memory: 512, portMappings: [{ containerPort: 80 }] }],
        placementConstraints: [{ type: 'memberOf', expression: 'attribute:x == y' }],
      },
    },
  },
  {
    pkg: '@aws-sdk/client-ecs',
    command: 'ListServicesCommand',
    input: { cluster: 'prod', maxResults: 100 },
    output: { serviceArns: ['arn:svc/web'] },
  },
  {
    pkg: '@aws-sdk/client-ecs',
    command: 'ListTasksCommand',
    input: { cluster: 'prod', containerInstance: 'arn:ci/1', desiredStatus: 'RUNNING' },
    output: { taskArns: ['arn:t/1'] },
  },
  {
    pkg: '@aws-sdk/client-ecs',
    command: 'DeleteAttributesCommand',
    input: { cluster: 'prod', attributes: [{ name: 'a', targetId: 'arn:ci/1' }] },
    output: { attributes: [{ name: 'a', targetId: 'arn:ci/1' }] },
  },
  {
    pkg: '@aws-sdk/client-ecs',
    command: 'TagResourceCommand',
    input: { resourceArn: 'arn:svc/web', tags: [{ key: 'k', value: 'v' }] },
    output: {},
  },
  {
    pkg: '@aws-sdk/client-ssm',
    command: 'GetParameterCommand',
    input: { Name: '/p' },
    output: { Parameter: { Name: '/p', Type: 'String', Value: 'v', Version: 3, LastModifiedDate: at } },
  },
  {
    pkg: '@aws-sdk/client-ssm',
    command: 'PutParameterCommand',
    input: { Name: '/p', Value: 'v', Type: 'String', Overwrite: true, Tier: 'Standard' },
    output: { Version: 4, Tier: 'Standard' },
  },
  {
    pkg: '@aws-sdk/client-eventbridge',
    command: 'PutEventsCommand',
    input: {
      Entries: [
        {
          Source: 'ecs-autoscaler',
          DetailType: 'Scaling Decision',
          Detail: '{"a":1}',
          EventBusName: 'default',
          Time: new Date('2026-11-22T12:00:00.500Z'),
        },
      ],
    },
    output: { FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] },
  },
  {
    pkg: '@aws-sdk/client-sqs',
    command: 'SendMessageBatchCommand',
    input: {
      QueueUrl: 'https://sqs.eu-west-1.amazonaws.com/1/q.fifo',
      Entries: [{ Id: '0', MessageBody: 'hello', MessageGroupId: 'prod', MessageDeduplicationId: 'd0' }],
    },
    output: {
      Successful: [{ Id: '0', MessageId: 'm-0', MD5OfMessageBody: md5('hello'), SequenceNumber: '1' }],
      Failed: [{ Id: '1', SenderFault: true, Code: 'InvalidParameterValue', Message: 'bad' }],
    },
  },
  {
    pkg: '@aws-sdk/client-cloudwatch',
    command: 'DescribeAlarmsCommand',
    input: {
      AlarmNamePrefix: 'ecs-autoscaler-',
      AlarmTypes: ['MetricAlarm'],
      NextToken: 'n',
      MaxRecords: 100,
    },
    output: {
      MetricAlarms: [
        {
          AlarmName: 'ecs-autoscaler-a',
          AlarmArn: 'arn:alarm',
          StateValue: 'ALARM',
          StateUpdatedTimestamp: at,
          StateTransitionedTimestamp: at,
          AlarmConfigurationUpdatedTimestamp: at - 60,
          Threshold: 70.5,
          EvaluationPeriods: 3,
          Dimensions: [{ Name: 'ClusterName', Value: 'prod' }],
          ActionsEnabled: true,
        },
      ],
      NextToken: 'n2',
    },
  },
  {
    pkg: '@aws-sdk/client-cloudwatch',
    command: 'PutMetricAlarmCommand',
    input: {
      AlarmName: 'ecs-autoscaler-a',
      MetricName: 'CPUUtilization',
      Namespace: 'AWS/ECS',
      Statistic: 'Average',
      Period: 60,
      EvaluationPeriods: 3,
      Threshold: 70,
      ComparisonOperator: 'GreaterThanThreshold',
      Dimensions: [{ Name: 'ClusterName', Value: 'prod' }],
      AlarmActions: ['arn:sqs'],
      ActionsEnabled: true,
      Tags: [{ Key: 'k', Value: 'v' }],
    },
    output: {},
  },
  {
    pkg: '@aws-sdk/client-cloudwatch',
    command: 'DeleteAlarmsCommand',
    input: { AlarmNames: ['a', 'b'] },
    output: {},
  },
  {
    pkg: '@aws-sdk/client-cloudwatch',
    command: 'ListTagsForResourceCommand',
    input: { ResourceARN: 'arn:alarm' },
    output: { Tags: [{ Key: 'k', Value: 'v' }] },
  },
  {
    pkg: '@aws-sdk/client-application-auto-scaling',
    command: 'DescribeScalableTargetsCommand',
    input: { ServiceNamespace: 'ecs', ResourceIds: ['service/prod/web'], MaxResults: 50 },
    output: {
      ScalableTargets: [
        {
          ServiceNamespace: 'ecs',
          ResourceId: 'service/prod/web',
          ScalableDimension: 'ecs:service:DesiredCount',
          MinCapacity: 1,
          MaxCapacity: 10,
          RoleARN: 'arn:role',
          CreationTime: at,
          SuspendedState: { DynamicScalingInSuspended: false },
        },
      ],
    },
  },
  {
    pkg: '@aws-sdk/client-application-auto-scaling',
    command: 'DescribeScalingPoliciesCommand',
    input: { ServiceNamespace: 'ecs', ResourceId: 'service/prod/web' },
    output: {
      ScalingPolicies: [
        {
          PolicyARN: 'arn:policy',
          PolicyName: 'p',
          ServiceNamespace: 'ecs',
          ResourceId: 'service/prod/web',
          ScalableDimension: 'ecs:service:DesiredCount',
          PolicyType: 'TargetTrackingScaling',
          TargetTrackingScalingPolicyConfiguration: { TargetValue: 50.5 },
          Alarms: [{ AlarmName: 'a', AlarmARN: 'arn:alarm' }],
          CreationTime: at,
        },
      ],
    },
  },
  {
    pkg: '@aws-sdk/client-application-auto-scaling',
    command: 'ListTagsForResourceCommand',
    input: { ResourceARN: 'arn:target' },
    // A tag named like a timestamp member stays a string, as in the SDK.
    output: { Tags: { k: 'v', CreationTime: '1700000000' } },
  },
];

describe('each stand-in against the real SDK client, same server, same answers', () => {
  it.each(CASES.map((c) => [`${c.pkg.replace('@aws-sdk/client-', '')} ${c.command}`, c] as const))(
    '%s: same request, same output',
    async (_, c) => {
      const service = SERVICES.find((s) => s.pkg === c.pkg)!;
      answer = () => ({ status: 200, body: JSON.stringify(c.output) });
      const real = await (await sdkClient(service)).send(
        new (await sdk(c.pkg))[c.command]!(c.input as never),
      );
      const ours = await (await standInClient(service)).send(
        new (await standIn(c.pkg))[c.command]!(c.input as never),
      );
      expect(withoutMetadata(ours)).toEqual(withoutMetadata(real));
      expect(ours.$metadata).toMatchObject({ httpStatusCode: 200, attempts: 1 });
      expect(seen).toHaveLength(2);
      const [r, o] = seen as [Seen, Seen];
      expect(o.path).toBe(r.path);
      expect(o.body).toEqual(r.body);
      for (const h of ['x-amz-target', 'content-type', 'x-amzn-query-mode', 'x-amz-security-token']) {
        expect([h, o.headers[h]]).toEqual([h, r.headers[h]]);
      }
      expect(scope(o.headers)).toBe(scope(r.headers));
      expect(scope(o.headers)).toMatch(/^eu-west-1\/[a-z-]+\/aws4_request$/);
      expect(o.headers.authorization).toMatch(
        /SignedHeaders=[a-z0-9;-]*x-amz-target[a-z0-9;-]*, Signature=[0-9a-f]{64}$/,
      );
    },
  );

  it('every command a stand-in exposes is among the cases above', async () => {
    for (const pkg of Object.keys(STAND_INS)) {
      const commands = Object.keys(await standIn(pkg)).filter((k) => k.endsWith('Command'));
      const tested = CASES.filter((c) => c.pkg === pkg).map((c) => c.command);
      const untested = commands.filter((k) => !tested.includes(k));
      expect([pkg, untested]).toEqual([pkg, []]);
    }
  });
});

describe('the operation names and timestamp members agree with the SDK', () => {
  it.each(Object.keys(STAND_INS))('%s', async (pkg) => {
    const ours = await standIn(pkg);
    const real = await sdk(pkg);
    const service = SERVICES.find((s) => s.pkg === pkg)!;
    const client = new ours[service.client]!({ env: {} } as never) as unknown as JsonServiceClient;
    const listed = new Set(client.spec.timestamps ?? []);
    for (const name of Object.keys(ours).filter((k) => k.endsWith('Command'))) {
      const sdkCommand = new real[name]!({} as never) as { schema: [number, string, string, ...unknown[]] };
      const mine = new ours[name]!({} as never) as { operation: string };
      expect(mine.operation).toBe(sdkCommand.schema[2]);
      const timestamps = new Set<string>();
      const visited = new Set<unknown>();
      const walk = (s: NormalizedSchema, member: string): void => {
        if (s.isTimestampSchema()) timestamps.add(member);
        else if (s.isListSchema() || s.isMapSchema()) walk(s.getValueSchema(), member);
        else if (s.isStructSchema() && !visited.has(s.getSchema())) {
          visited.add(s.getSchema());
          for (const [n, m] of s.structIterator()) walk(m, n);
        }
      };
      walk(NormalizedSchema.of(sdkCommand.schema[5] as never), '');
      for (const t of timestamps) expect([name, t, listed.has(t)]).toEqual([name, t, true]);
    }
  });
});

/** Value imports from `pkg` in the project's Lambda code (functions/, shared/), `type` imports excluded. */
const importedValues = (pkg: string): Set<string> => {
  const names = new Set<string>();
  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap((f) => {
      const p = join(dir, f);
      return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
    });
  for (const file of [...files('functions'), ...files('shared')]) {
    const text = readFileSync(file, 'utf8');
    const re = new RegExp(`import\\s+(type\\s+)?\\{([^}]*)\\}\\s+from\\s+'${pkg.replace('/', '\\/')}'`, 'g');
    for (const m of text.matchAll(re)) {
      if (m[1]) continue;
      for (const item of m[2]!.split(',').map((s) => s.trim())) {
        if (item && !item.startsWith('type ')) names.add(item.split(/\s+as\s+/)[0]!);
      }
    }
  }
  return names;
};

describe('each stand-in exports what the functions import from its package', () => {
  it.each(Object.keys(STAND_INS))('%s', async (pkg) => {
    const exported = new Set(Object.keys(await standIn(pkg)));
    const imported = [...importedValues(pkg)];
    expect(imported.length).toBeGreaterThan(0);
    expect(imported.filter((n) => !exported.has(n))).toEqual([]);
  });
});

describe('errors, retries and endpoints', () => {
  const ecs = SERVICES[0]!;
  const sqs = SERVICES.find((s) => s.client === 'SQSClient')!;
  const cloudWatch = SERVICES.find((s) => s.client === 'CloudWatchClient')!;
  const ctx = { action: 'x:Y', region: 'eu-west-1' };

  const both = async (s: Service, command: string, input: Record<string, unknown>) => {
    const settle = (p: Promise<unknown>) =>
      p.then(
        () => {
          throw new Error('expected a failure');
        },
        (e: unknown) => e as { name: string; $fault: string; $metadata: { httpStatusCode: number } },
      );
    const real = await settle((await sdkClient(s)).send(new (await sdk(s.pkg))[command]!(input as never)));
    const ours = await settle(
      (await standInClient(s, { maxAttempts: 1 })).send(new (await standIn(s.pkg))[command]!(input as never)),
    );
    return { real, ours };
  };

  it('names an error by its code as the SDK does, with the same fault, status and translation', async () => {
    const answers: Array<[Service, string, Answer]> = [
      [
        ecs,
        'ClusterNotFoundException',
        { status: 400, body: '{"__type":"ClusterNotFoundException","message":"x"}' },
      ],
      [
        ecs,
        'AccessDeniedException',
        { status: 400, body: '{"__type":"AccessDeniedException","message":"no"}' },
      ],
      [
        ecs,
        'ThrottlingException',
        { status: 400, body: '{"__type":"ThrottlingException","message":"slow"}' },
      ],
      [ecs, 'ServerException', { status: 500, body: '{"__type":"ServerException","message":"oops"}' }],
      [
        cloudWatch,
        'Throttling',
        {
          status: 400,
          body: '{"__type":"com.amazon.coral.availability#ThrottlingException","message":"Rate exceeded"}',
          headers: { 'x-amzn-query-error': 'Throttling;Sender' },
        },
      ],
      [
        sqs,
        'AccessDenied',
        {
          status: 403,
          body: '{"__type":"com.amazon.coral.service#AccessDeniedException","message":"denied"}',
          headers: { 'x-amzn-query-error': 'AccessDenied;Sender' },
        },
      ],
    ];
    for (const [s, name, a] of answers) {
      answer = () => a;
      const command =
        s === ecs ? 'ListTasksCommand' : s === sqs ? 'SendMessageBatchCommand' : 'DescribeAlarmsCommand';
      const input = s === sqs ? { QueueUrl: 'q', Entries: [] } : { cluster: 'prod' };
      const { real, ours } = await both(s, command, input);
      expect([name, ours.name, ours.$fault, ours.$metadata.httpStatusCode]).toEqual([
        name,
        real.name,
        real.$fault,
        real.$metadata.httpStatusCode,
      ]);
      expect(ours.name).toBe(name);
      expect(translateAwsError(ours, ctx).constructor).toBe(translateAwsError(real, ctx).constructor);
    }
  });

  it('throttling and 5xx are transient, access denied is rejected', async () => {
    const cases: Array<[Answer, unknown]> = [
      [{ status: 400, body: '{"__type":"ThrottlingException"}' }, TransientAwsError],
      [{ status: 503, body: '<html>busy</html>' }, TransientAwsError],
      [{ status: 400, body: '{"__type":"AccessDeniedException","message":"no"}' }, AwsRejectedError],
    ];
    for (const [a, kind] of cases) {
      answer = () => a;
      const error = await (await standInClient(ecs, { maxAttempts: 1 }))
        .send(new (await standIn(ecs.pkg)).ListTasksCommand!({ cluster: 'prod' } as never))
        .catch((e: unknown) => e);
      expect(translateAwsError(error, ctx)).toBeInstanceOf(kind);
    }
  });

  it('retries throttling, 429, 5xx and refused connections up to maxAttempts, and nothing else', async () => {
    const list = new (await standIn(ecs.pkg)).ListTasksCommand!({ cluster: 'prod' } as never);
    answer = () => ({ status: 400, body: '{"__type":"ThrottlingException"}' });
    await expect((await standInClient(ecs)).send(list)).rejects.toMatchObject({
      name: 'ThrottlingException',
    });
    expect(seen).toHaveLength(3);

    seen = [];
    let n = 0;
    answer = () =>
      n++ < 2 ? { status: n === 1 ? 429 : 502, body: '' } : { status: 200, body: '{"taskArns":["t"]}' };
    const out = await (await standInClient(ecs, { maxAttempts: 5 })).send(list);
    expect(out).toMatchObject({ taskArns: ['t'], $metadata: { attempts: 3 } });
    expect(seen).toHaveLength(3);

    seen = [];
    answer = () => ({ status: 400, body: '{"__type":"ClientException","message":"bad"}' });
    await expect((await standInClient(ecs, { maxAttempts: 5 })).send(list)).rejects.toMatchObject({
      name: 'ClientException',
    });
    expect(seen).toHaveLength(1);

    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const refused = await standInClient(ecs, {
      env: {
        AWS_ENDPOINT_URL: `http://127.0.0.1:${port}`,
        AWS_REGION: 'eu-west-1',
        AWS_ACCESS_KEY_ID: 'a',
        AWS_SECRET_ACCESS_KEY: 'b',
      },
      maxAttempts: 2,
    });
    const error = await refused.send(list).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'NetworkingError', code: 'ECONNREFUSED', $fault: 'server' });
    expect(translateAwsError(error, ctx)).toBeInstanceOf(TransientAwsError);
  });

  it('takes the endpoint from AWS_ENDPOINT_URL_<SERVICE>, else AWS_ENDPOINT_URL, unless told to ignore them', async () => {
    const env = { AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' };
    const list = new (await standIn(ecs.pkg)).ListTasksCommand!({ cluster: 'prod' } as never);
    answer = () => ({ status: 200, body: '{}' });
    await (await standInClient(ecs, { env: { ...env, AWS_ENDPOINT_URL: url } })).send(list);
    await (
      await standInClient(ecs, {
        env: { ...env, AWS_ENDPOINT_URL_ECS: url, AWS_ENDPOINT_URL: 'http://127.0.0.1:9' },
      })
    ).send(list);
    expect(seen).toHaveLength(2);
    const urls: string[] = [];
    const fetch = (async (u: URL) => {
      urls.push(String(u));
      return new Response('{}', { status: 200 });
    }) as unknown as typeof globalThis.fetch;
    await (
      await standInClient(ecs, {
        env: { ...env, AWS_ENDPOINT_URL: url, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' },
        fetch,
      })
    ).send(list);
    await (await standInClient(sqs, { env: { ...env, AWS_REGION: 'cn-north-1' }, fetch })).send(
      new (await standIn(sqs.pkg)).SendMessageBatchCommand!({ QueueUrl: 'q', Entries: [] } as never),
    );
    expect(urls).toEqual([
      'https://ecs.eu-west-1.amazonaws.com/',
      'https://sqs.cn-north-1.amazonaws.com.cn/',
    ]);
  });
});
