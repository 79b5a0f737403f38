/**
 * Routes every SDK v3 command of the four clients to the simulator, with aws-sdk-client-mock: one
 * `on(XCommand).callsFake` per command the client package exports, so even unimplemented commands are
 * named when they fail. The stubs are returned so tests can also use the aws-sdk-client-mock-vitest
 * matchers (`expect(mocks.ecs).toHaveReceivedCommandWith(UpdateServiceCommand, {...})`).
 */
import * as aas from '@aws-sdk/client-application-auto-scaling';
import * as asg from '@aws-sdk/client-auto-scaling';
import * as cw from '@aws-sdk/client-cloudwatch';
import * as ecs from '@aws-sdk/client-ecs';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import type { SimServiceName } from '../core/aws-error.js';

/** Dispatches one command: service, command name without the `Command` suffix, input. */
export type Dispatch = (
  service: SimServiceName,
  command: string,
  input: Record<string, unknown>,
) => Promise<unknown>;

/** The installed stubs (one per client class). */
export interface SdkMocks {
  ecs: AwsClientStub<ecs.ECSClient>;
  autoScaling: AwsClientStub<asg.AutoScalingClient>;
  applicationAutoScaling: AwsClientStub<aas.ApplicationAutoScalingClient>;
  cloudWatch: AwsClientStub<cw.CloudWatchClient>;
  /** Puts the real `send` back on every client. */
  restore(): void;
}

type AnyStub = { on(cmd: unknown): { callsFake(fn: (input: Record<string, unknown>) => unknown): unknown } };

const route = (
  stub: AnyStub,
  module: Record<string, unknown>,
  service: SimServiceName,
  dispatch: Dispatch,
): void => {
  for (const [name, value] of Object.entries(module)) {
    if (!name.endsWith('Command') || typeof value !== 'function' || name === 'Command') continue;
    const commandName = name.slice(0, -'Command'.length);
    stub.on(value).callsFake((input) => dispatch(service, commandName, input ?? {}));
  }
};

/** Installs the interception for ECSClient, AutoScalingClient, ApplicationAutoScalingClient and CloudWatchClient. */
export const interceptSdk = (dispatch: Dispatch): SdkMocks => {
  const mocks = {
    ecs: mockClient(ecs.ECSClient),
    autoScaling: mockClient(asg.AutoScalingClient),
    applicationAutoScaling: mockClient(aas.ApplicationAutoScalingClient),
    cloudWatch: mockClient(cw.CloudWatchClient),
  };
  route(mocks.ecs as unknown as AnyStub, ecs, 'ecs', dispatch);
  route(mocks.autoScaling as unknown as AnyStub, asg, 'autoscaling', dispatch);
  route(mocks.applicationAutoScaling as unknown as AnyStub, aas, 'application-autoscaling', dispatch);
  route(mocks.cloudWatch as unknown as AnyStub, cw, 'cloudwatch', dispatch);
  return {
    ...mocks,
    restore: () => {
      mocks.ecs.restore();
      mocks.autoScaling.restore();
      mocks.applicationAutoScaling.restore();
      mocks.cloudWatch.restore();
    },
  };
};
