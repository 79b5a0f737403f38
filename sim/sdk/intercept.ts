/**
 * Routes every SDK v3 command of the six clients to the simulator through SDK client middleware: an
 * `initialize`-step middleware (priority high) answers the command from the simulator before
 * serialisation, endpoint resolution, signing or any network code runs, so a simulated call costs one
 * function call and needs no mocking library at run time (`ecs-autoscaler simulate` runs from an
 * `npm install --omit=dev`).
 *
 * The handlers create their clients at module load, before any simulator exists, so the middleware is
 * added to each client instance on its first `send` while an interception is installed (the four client
 * classes' `send` is wrapped for that); once added it stays on the instance and lets calls through to
 * the real SDK whenever no simulator is installed. Installations nest: the latest one answers.
 *
 * Each installation records the commands it answered, per client class, with the call-history methods
 * of aws-sdk-client-mock that the aws-sdk-client-mock-vitest matchers read (`calls`, `commandCalls`,
 * `clientName`), so tests can still write
 * `expect(mocks.ecs).toHaveReceivedCommandWith(UpdateServiceCommand, {...})`.
 *
 * EC2 DescribeInstanceTypes is read by the project with a signed Query-protocol request over `fetch`
 * (no EC2 SDK client in its bundles): while an interception is installed, the global `fetch` answers
 * EC2 Query requests from the simulator (sim/ec2/ec2-query.ts) and records them under `ec2` as
 * DescribeInstanceTypesCommand calls; every other request goes to the real `fetch`.
 */
import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import {
  DescribeInstanceTypesCommand,
  DescribeLaunchTemplateVersionsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { ECSClient } from '@aws-sdk/client-ecs';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { SimServiceName } from '../core/aws-error.js';
import { answerEc2Query } from '../ec2/ec2-query.js';

/** Dispatches one command: service, command name without the `Command` suffix, input. */
export type Dispatch = (
  service: SimServiceName,
  command: string,
  input: Record<string, unknown>,
) => Promise<unknown>;

/** One recorded call, shaped like a sinon call (`args[0]` is the command). */
export interface SimCall {
  args: [command: { input: unknown }];
}

/** The commands one client class sent to the simulator (aws-sdk-client-mock's call-history API). */
export interface SimClientCalls {
  /** Name of the client class, e.g. `ECSClient`. */
  clientName(): string;
  /** Every call, in order. */
  calls(): SimCall[];
  /** The calls of one command class, in order. */
  commandCalls(command: abstract new (...args: never[]) => unknown): SimCall[];
  /** Forgets the recorded calls. */
  resetHistory(): void;
}

/** The installed interception: the calls per client class, and `restore()`. */
export interface SdkMocks {
  ecs: SimClientCalls;
  autoScaling: SimClientCalls;
  applicationAutoScaling: SimClientCalls;
  cloudWatch: SimClientCalls;
  eventBridge: SimClientCalls;
  ssm: SimClientCalls;
  sqs: SimClientCalls;
  ec2: SimClientCalls;
  /** Stops routing to this simulator (an earlier installation, if any, answers again). */
  restore(): void;
}

type Send = (this: SdkClient, command: unknown, ...rest: unknown[]) => unknown;
type Context = { commandName?: string };
interface SdkClient {
  send: Send;
  middlewareStack: {
    add(
      mw: (
        next: (args: unknown) => Promise<unknown>,
        context: Context,
      ) => (args: { input?: unknown }) => Promise<unknown>,
      options: { step: 'initialize'; priority: 'high'; name: string; override: boolean },
    ): void;
  };
}

const CLIENTS = [
  ['ecs', ECSClient, 'ecs'],
  ['autoScaling', AutoScalingClient, 'autoscaling'],
  ['applicationAutoScaling', ApplicationAutoScalingClient, 'application-autoscaling'],
  ['cloudWatch', CloudWatchClient, 'cloudwatch'],
  ['eventBridge', EventBridgeClient, 'events'],
  ['ssm', SSMClient, 'ssm'],
  ['sqs', SQSClient, 'sqs'],
  ['ec2', EC2Client, 'ec2'],
] as const;
type MockKey = (typeof CLIENTS)[number][0];

interface Installation {
  dispatch: Dispatch;
  record: Record<MockKey, SimCall[]>;
}

/** Active installations, newest last. */
const installations: Installation[] = [];
const ROUTED = Symbol.for('ecs-autoscaler.sim.routed');
const originalSend = new Map<unknown, Send>();

const addRoute = (client: SdkClient, key: MockKey, service: SimServiceName): void => {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const active = installations.at(-1);
      if (!active) return next(args);
      // The first handler receives the command object itself: it is the call-history entry.
      const name = (context.commandName ?? '').replace(/Command$/, '');
      active.record[key].push({ args: [args as { input: unknown }] });
      const input = (args.input ?? {}) as Record<string, unknown>;
      return { output: await active.dispatch(service, name, input), response: {} };
    },
    { step: 'initialize', priority: 'high', name: 'ecsAutoscalerSimRoute', override: true },
  );
};

/** Adds the route to each client instance on its first `send` (instances predate the simulator). */
const wrapSend = (Client: { prototype: unknown }, key: MockKey, service: SimServiceName): void => {
  if (originalSend.has(Client)) return;
  const proto = Client.prototype as SdkClient;
  const send = proto.send;
  originalSend.set(Client, send);
  proto.send = function (this: SdkClient & { [ROUTED]?: boolean }, command, ...rest) {
    if (!this[ROUTED]) {
      addRoute(this, key, service);
      // Resolve the middleware stack once per command class on this client instead of on every send
      // (the SDK's own `cacheMiddleware` option): most of a simulated call's cost otherwise.
      (this as { config?: { cacheMiddleware?: boolean } }).config!.cacheMiddleware = true;
      this[ROUTED] = true;
    }
    return send.call(this, command, ...rest);
  };
};

const calls = (name: string, list: () => SimCall[]): SimClientCalls => ({
  clientName: () => name,
  calls: () => [...list()],
  commandCalls: (cmd) => list().filter((c) => c.args[0] instanceof cmd),
  resetHistory: () => {
    list().length = 0;
  },
});

/** Wraps the global `fetch` once: EC2 Query requests go to the newest installation, if any. */
let fetchWrapped = false;
const wrapFetch = (): void => {
  if (fetchWrapped) return;
  fetchWrapped = true;
  const realFetch = globalThis.fetch;
  globalThis.fetch = async (input, init) => {
    const active = installations.at(-1);
    const answer =
      active &&
      (await answerEc2Query(init, async (action, query) => {
        if (action === 'DescribeInstanceTypes') {
          active.record.ec2.push({ args: [new DescribeInstanceTypesCommand(query as never)] });
        } else if (action === 'DescribeLaunchTemplateVersions') {
          active.record.ec2.push({ args: [new DescribeLaunchTemplateVersionsCommand(query as never)] });
        }
        return active.dispatch('ec2', action, query);
      }));
    return answer ?? realFetch(input, init);
  };
};

/**
 * Installs the interception for ECSClient, AutoScalingClient, ApplicationAutoScalingClient,
 * CloudWatchClient, EventBridgeClient and SSMClient.
 */
export const interceptSdk = (dispatch: Dispatch): SdkMocks => {
  for (const [key, Client, service] of CLIENTS) wrapSend(Client, key, service);
  wrapFetch();
  const installation: Installation = {
    dispatch,
    record: {
      ecs: [],
      autoScaling: [],
      applicationAutoScaling: [],
      cloudWatch: [],
      eventBridge: [],
      ssm: [],
      sqs: [],
      ec2: [],
    },
  };
  installations.push(installation);
  const mocks = Object.fromEntries(
    CLIENTS.map(([key, Client]) => [key, calls(Client.name, () => installation.record[key])]),
  ) as Record<MockKey, SimClientCalls>;
  return {
    ...mocks,
    restore: () => {
      const at = installations.indexOf(installation);
      if (at >= 0) installations.splice(at, 1);
    },
  };
};
