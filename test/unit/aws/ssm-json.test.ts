/**
 * The Lambda bundles' SSM stand-in (shared/aws/lambda/ssm-json.ts, aliased for @aws-sdk/client-ssm by
 * scripts/build.mjs) against a local HTTP server on 127.0.0.1 playing SSM's AWS JSON 1.1 protocol, and the
 * decision publisher running on it: exact targets and bodies, the parsed answers, the error names the
 * publisher relies on (ParameterNotFound), retries of throttling only.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SSMClient as SdkSsmClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EventBridgeDecisionPublisher, readLastDecision } from '../../../shared/aws/decision-events.js';
import { GetParameterCommand, PutParameterCommand, SSMClient } from '../../../shared/aws/lambda/ssm-json.js';
import type { ClusterPlan } from '../../../shared/core/cluster/index.js';
import { clusterDecisionEvent, lastDecisionValue } from '../../../shared/core/decision/index.js';
import { AwsRejectedError, ConfigurationError } from '../../../shared/core/errors.js';

interface Received {
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}
let received: Received[] = [];
let reply: (r: Received) => { status: number; body: string; type?: string } = () => ({
  status: 200,
  body: '{}',
});
let server: Server;
let env: Record<string, string>;

beforeAll(async () => {
  server = createServer((req, res) => {
    let text = '';
    req.on('data', (c) => {
      text += c;
    });
    req.on('end', () => {
      const r = { headers: req.headers, body: JSON.parse(text) as Record<string, unknown> };
      received.push(r);
      const out = reply(r);
      res
        .writeHead(out.status, {
          'content-type': 'application/x-amz-json-1.1',
          ...(out.type ? { 'x-amzn-errortype': out.type } : {}),
        })
        .end(out.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  env = {
    AWS_ENDPOINT_URL_SSM: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'secret',
    AWS_SESSION_TOKEN: 'tok',
  };
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  received = [];
  reply = () => ({ status: 200, body: '{}' });
});

const client = (extra: Record<string, unknown> = {}) => new SSMClient({ env, ...extra });
const notFound = () => ({
  status: 400,
  body: JSON.stringify({ __type: 'com.amazonaws.ssm#ParameterNotFound', message: 'not found' }),
});

describe('SSM over AWS JSON 1.1', () => {
  it('sends GetParameter signed, with its target and exact body, and returns the answer', async () => {
    reply = () => ({
      status: 200,
      body: JSON.stringify({ Parameter: { Name: '/p', Type: 'String', Value: 'v', Version: 3 } }),
    });
    const out = await client().send(new GetParameterCommand({ Name: '/p' }));
    expect(out).toEqual({
      Parameter: { Name: '/p', Type: 'String', Value: 'v', Version: 3 },
      $metadata: { httpStatusCode: 200, attempts: 1 },
    });
    const [r] = received;
    expect(r!.body).toEqual({ Name: '/p' });
    expect(r!.headers['x-amz-target']).toBe('AmazonSSM.GetParameter');
    expect(r!.headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(r!.headers['x-amz-security-token']).toBe('tok');
    expect(r!.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/ssm\/aws4_request, SignedHeaders=[a-z0-9;-]*x-amz-target[a-z0-9;-]*, Signature=[0-9a-f]{64}$/,
    );
  });

  it('names errors by their AWS code (body __type or x-amzn-ErrorType) and does not retry them', async () => {
    reply = notFound;
    await expect(client().send(new GetParameterCommand({ Name: '/p' }))).rejects.toMatchObject({
      name: 'ParameterNotFound',
      message: 'not found',
      $fault: 'client',
    });
    reply = () => ({ status: 400, body: '{"message":"no"}', type: 'AccessDeniedException:http://internal' });
    await expect(client().send(new GetParameterCommand({ Name: '/p' }))).rejects.toMatchObject({
      name: 'AccessDeniedException',
    });
    expect(received).toHaveLength(2);
  });

  it('retries throttling, 3 attempts in all', async () => {
    reply = () => ({
      status: 400,
      body: JSON.stringify({ __type: 'ThrottlingException', message: 'Rate exceeded' }),
    });
    await expect(client().send(new GetParameterCommand({ Name: '/p' }))).rejects.toMatchObject({
      name: 'ThrottlingException',
    });
    expect(received).toHaveLength(3);
    received = [];
    let n = 0;
    reply = () => (n++ === 0 ? { status: 500, body: '' } : { status: 200, body: '{"Version":2}' });
    expect(await client().send(new PutParameterCommand({ Name: '/p', Value: 'v' }))).toEqual({
      Version: 2,
      $metadata: { httpStatusCode: 200, attempts: 2 },
    });
    expect(received).toHaveLength(2);
  });

  it('reports missing credentials and region as configuration errors, before any request', async () => {
    const noCreds = new SSMClient({ env: { ...env, AWS_ACCESS_KEY_ID: '' } });
    await expect(
      readLastDecision(noCreds as unknown as SdkSsmClient, { cluster: 'prod' }),
    ).rejects.toBeInstanceOf(ConfigurationError);
    const noRegion = new SSMClient({ env: { ...env, AWS_REGION: '', AWS_ENDPOINT_URL_SSM: '' } });
    await expect(
      readLastDecision(noRegion as unknown as SdkSsmClient, { cluster: 'prod' }),
    ).rejects.toBeInstanceOf(ConfigurationError);
    expect(received).toHaveLength(0);
  });
});

describe('the decision publisher on the stand-in', () => {
  const plan: ClusterPlan = {
    cluster: 'prod',
    autoScalingGroup: 'prod-asg',
    action: 'scale-out',
    desiredCapacity: { current: 2, proposed: 4 },
    drain: [],
    terminate: [],
    activate: [],
    protect: [],
    stateTags: {},
    capacityDeficitInstances: 2,
    needsTasks: [],
    limits: { min: 1, max: 10 },
    reasons: ['first-fit placement needs 2 more instance(s)'],
  };
  const event = clusterDecisionEvent(plan, new Date('2026-11-22T12:00:00.000Z'))!;

  it('reads the last decision (none yet), then records the new one with PutParameter', async () => {
    reply = (r) =>
      r.headers['x-amz-target'] === 'AmazonSSM.GetParameter'
        ? notFound()
        : { status: 200, body: '{"Version":1}' };
    const puts: unknown[] = [];
    const publisher = new EventBridgeDecisionPublisher({
      eventBridge: {
        send: async (command: { input: unknown }) => {
          puts.push(command.input);
          return { FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] };
        },
      } as never,
      ssm: client() as unknown as SdkSsmClient,
    });
    expect(await publisher.publish(event)).toEqual({
      status: 'published',
      decisionId: event.detail.decisionId,
    });
    expect(puts).toHaveLength(1);
    expect(received.map((r) => r.headers['x-amz-target'])).toEqual([
      'AmazonSSM.GetParameter',
      'AmazonSSM.PutParameter',
    ]);
    expect(received[1]!.body).toEqual({
      Name: '/ecs-autoscaler/prod/last-decision',
      Value: lastDecisionValue(event),
      Type: 'String',
      Tier: 'Standard',
      Overwrite: true,
    });
  });

  it('reads a recorded decision back, and a denied read names ssm:GetParameter', async () => {
    reply = () => ({ status: 200, body: JSON.stringify({ Parameter: { Value: lastDecisionValue(event) } }) });
    const last = await readLastDecision(client() as unknown as SdkSsmClient, { cluster: 'prod' });
    expect(last?.decisionId).toBe(event.detail.decisionId);
    reply = () => ({ status: 400, body: JSON.stringify({ __type: 'AccessDeniedException', message: 'no' }) });
    const denied = readLastDecision(client() as unknown as SdkSsmClient, { cluster: 'prod' });
    await expect(denied).rejects.toBeInstanceOf(AwsRejectedError);
    await expect(denied).rejects.toThrow(/ssm:GetParameter/);
  });
});
