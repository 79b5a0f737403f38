import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { clusterNameOf, parseDrainerEvent } from '../../../functions/instance-drainer/schemas.js';
import { InvalidEventError } from '../../../shared/core/errors.js';

const load = (path: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../../../events/${path}`, import.meta.url), 'utf8'));

describe('parseDrainerEvent', () => {
  it.each([
    ['autoscaling/terminate-lifecycle-action.sample.json', 'lifecycle-action'],
    ['autoscaling/terminate-lifecycle-action.json', 'lifecycle-action'],
    ['autoscaling/terminate-lifecycle-action-to-warm-pool.sample.json', 'lifecycle-action'],
    ['autoscaling/terminate-lifecycle-action-to-warm-pool.json', 'lifecycle-action'],
    ['autoscaling/terminate-successful.sample.json', 'unsupported'],
    ['ec2/spot-instance-interruption-warning.sample.json', 'spot-interruption'],
    ['ec2/spot-instance-interruption-warning.json', 'spot-interruption'],
    ['ec2/instance-rebalance-recommendation.sample.json', 'rebalance-recommendation'],
    ['ec2/instance-rebalance-recommendation.json', 'rebalance-recommendation'],
    ['ecs/task-state-change-stopped-ec2.sample.json', 'task-state-change'],
    ['ecs/task-state-change-stopped.json', 'task-state-change'],
    ['ecs/task-state-change-fargate-running.sample.json', 'task-state-change'],
    ['ecs/container-instance-state-change.sample.json', 'container-instance-state-change'],
    ['ecs/container-instance-state-change-draining.json', 'container-instance-state-change'],
    ['capacity-report/scheduled-event.json', 'sweep'],
  ])('parses %s as %s (placeholders in time and resources are accepted)', (file, kind) => {
    expect(parseDrainerEvent(load(file)).kind).toBe(kind);
  });

  it('keeps unknown keys AWS may add', () => {
    const event = structuredClone(load('autoscaling/terminate-lifecycle-action.json'));
    (event.detail as Record<string, unknown>).NewField = 'x';
    const parsed = parseDrainerEvent(event);
    expect(parsed.kind === 'lifecycle-action' && parsed.detail.NewField).toBe('x');
  });

  it.each([
    ['autoscaling/invalid-terminate-lifecycle-action-no-instance.json', "field 'EC2InstanceId' is invalid"],
    ['ec2/invalid-spot-interruption-bad-instance-id.json', 'expected an EC2 instance ID'],
    ['ecs/invalid-task-state-change-bad-status.json', "field 'lastStatus' is invalid"],
  ])('rejects %s with a clear message', (file, message) => {
    expect(() => parseDrainerEvent(load(file))).toThrow(InvalidEventError);
    expect(() => parseDrainerEvent(load(file))).toThrow(message);
  });

  it.each([null, 'text', {}, { 'detail-type': 'X', source: 'aws.ec2' }])(
    'rejects a non-event %j',
    (value) => {
      expect(() => parseDrainerEvent(value)).toThrow(InvalidEventError);
    },
  );
});

describe('clusterNameOf', () => {
  it('takes the name from a cluster ARN', () => {
    expect(clusterNameOf('arn:aws:ecs:us-east-1:123456789012:cluster/web-prod')).toBe('web-prod');
    expect(clusterNameOf('web-prod')).toBe('web-prod');
  });
});
