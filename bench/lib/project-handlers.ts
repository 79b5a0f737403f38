/**
 * Registers the project's real cluster-scaler and instance-drainer with a simulator, with the triggers,
 * timeouts and retry counts serverless.yml gives them (the TypeScript sources, not the bundles, so the
 * simulator's SDK interception and virtual clock reach them).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FunctionRegistration, Sim } from '../../sim/index.js';

/** Whether the project's handlers this policy needs exist in this checkout. */
export const projectHandlersPresent = (): boolean =>
  ['cluster-scaler', 'instance-drainer'].every((n) => existsSync(join('functions', n, 'handler.ts')));

type Handler = FunctionRegistration['handler'];

const importHandler = async (name: string): Promise<Handler> => {
  const file = pathToFileURL(join(process.cwd(), 'functions', name, 'handler.ts')).href;
  return ((await import(/* @vite-ignore */ file)) as { handler: Handler }).handler;
};

/** Registers both functions (serverless.yml: timeout 60 s; retries 1 and 2; 1-minute schedules). */
export const registerProjectHandlers = async (sim: Sim): Promise<void> => {
  sim.register({
    name: 'cluster-scaler',
    handler: await importHandler('cluster-scaler'),
    timeoutSeconds: 60,
    retryAttempts: 1,
    scheduleRateSeconds: 60,
    patterns: [
      {
        source: ['aws.cloudwatch'],
        'detail-type': ['CloudWatch Alarm State Change'],
        detail: { alarmName: [{ prefix: 'ecs-autoscaler-cluster-' }] },
      },
    ],
  });
  sim.register({
    name: 'instance-drainer',
    handler: await importHandler('instance-drainer'),
    timeoutSeconds: 60,
    retryAttempts: 2,
    scheduleRateSeconds: 60,
    patterns: [
      { source: ['aws.autoscaling'], 'detail-type': ['EC2 Instance-terminate Lifecycle Action'] },
      {
        source: ['aws.ec2'],
        'detail-type': ['EC2 Spot Instance Interruption Warning', 'EC2 Instance Rebalance Recommendation'],
      },
      {
        source: ['aws.ecs'],
        'detail-type': ['ECS Task State Change'],
        detail: { lastStatus: ['STOPPED'], launchType: ['EC2'] },
      },
      {
        source: ['aws.ecs'],
        'detail-type': ['ECS Container Instance State Change'],
        detail: { status: ['DRAINING'] },
      },
    ],
  });
};
