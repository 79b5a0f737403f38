/**
 * SDK-like service exceptions. When the client package models the error (e.g. ECS
 * `ClusterNotFoundException`), the real class is instantiated so `instanceof` checks in adapters
 * work; otherwise (AutoScaling `ValidationError`, `ThrottlingException`) the client's ServiceException
 * base class is used with `name` set — which is what the SDK itself does for unmodeled errors.
 */
import * as aas from '@aws-sdk/client-application-auto-scaling';
import * as asg from '@aws-sdk/client-auto-scaling';
import * as cw from '@aws-sdk/client-cloudwatch';
import * as ec2 from '@aws-sdk/client-ec2';
import * as ecs from '@aws-sdk/client-ecs';
import * as events from '@aws-sdk/client-eventbridge';
import * as sqs from '@aws-sdk/client-sqs';
import * as ssm from '@aws-sdk/client-ssm';

/** The simulated services, by the short names used throughout the simulator. */
export type SimServiceName =
  | 'ecs'
  | 'autoscaling'
  | 'application-autoscaling'
  | 'cloudwatch'
  | 'events'
  | 'ssm'
  | 'sqs'
  | 'ec2';

type ServiceExceptionCtor = new (opts: {
  name: string;
  $fault: 'client' | 'server';
  $metadata: Record<string, unknown>;
  message?: string;
}) => Error;

const modules: Record<SimServiceName, { base: ServiceExceptionCtor; all: Record<string, unknown> }> = {
  ecs: { base: ecs.ECSServiceException as unknown as ServiceExceptionCtor, all: ecs },
  autoscaling: { base: asg.AutoScalingServiceException as unknown as ServiceExceptionCtor, all: asg },
  'application-autoscaling': {
    base: aas.ApplicationAutoScalingServiceException as unknown as ServiceExceptionCtor,
    all: aas,
  },
  cloudwatch: { base: cw.CloudWatchServiceException as unknown as ServiceExceptionCtor, all: cw },
  events: { base: events.EventBridgeServiceException as unknown as ServiceExceptionCtor, all: events },
  ssm: { base: ssm.SSMServiceException as unknown as ServiceExceptionCtor, all: ssm },
  sqs: { base: sqs.SQSServiceException as unknown as ServiceExceptionCtor, all: sqs },
  ec2: { base: ec2.EC2ServiceException as unknown as ServiceExceptionCtor, all: ec2 },
};

/** An error as thrown by an SDK v3 client: `name`, `message`, `$fault`, `$metadata.httpStatusCode`. */
export type SdkLikeError = Error & {
  $fault: 'client' | 'server';
  $metadata: { httpStatusCode: number; requestId?: string; attempts?: number; totalRetryDelay?: number };
};

/**
 * Builds the exception AWS would return.
 * @param status HTTP status (400 client errors by default; 5xx marks `$fault: 'server'`).
 */
export const awsError = (
  service: SimServiceName,
  name: string,
  message: string,
  status = 400,
): SdkLikeError => {
  const $fault = status >= 500 ? 'server' : 'client';
  const $metadata = { httpStatusCode: status, requestId: 'sim-request', attempts: 1, totalRetryDelay: 0 };
  const mod = modules[service];
  const modeled = mod.all[name];
  let err: Error;
  if (typeof modeled === 'function' && modeled.prototype instanceof mod.base) {
    err = new (modeled as new (o: object) => Error)({ message, $metadata });
  } else {
    err = new mod.base({ name, $fault, $metadata, message });
  }
  return Object.assign(err, { name, $fault, $metadata, message }) as SdkLikeError;
};

/** Thrown for a request that the simulator does not implement (never silently answered). */
export class SimNotImplementedError extends Error {
  constructor(service: SimServiceName, command: string) {
    super(
      `sim: ${service} ${command} is not implemented by the simulator. Implement it in sim/ or avoid the call.`,
    );
    this.name = 'SimNotImplementedError';
  }
}
