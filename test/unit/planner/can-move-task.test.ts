/**
 * Whether ECS can move a task off a DRAINING instance under the service's deployment configuration
 * ("Draining Amazon ECS container instances"; DeploymentConfiguration: maximumPercent rounds down,
 * minimumHealthyPercent up), and the plan's reason when it cannot.
 */
import { describe, expect, it } from 'vitest';
import { stuckDrainReasons } from '../../../shared/core/cluster/displaced.js';
import { canMoveTask } from '../../../shared/core/cluster/instance-tasks.js';
import type { ClusterSnapshot, Service } from '../../../shared/core/snapshot/snapshot.js';

const service = (desired: number, running: number, min?: number, max?: number): Service =>
  ({
    serviceName: 'one',
    status: 'ACTIVE',
    desiredCount: desired,
    runningCount: running,
    pendingCount: 0,
    deployments: [],
    ...(min === undefined
      ? {}
      : { deploymentConfiguration: { minimumHealthyPercent: min, maximumPercent: max } }),
  }) as unknown as Service;

describe('canMoveTask', () => {
  it.each([
    { desired: 1, running: 1, min: undefined, max: undefined, can: true }, // 100 / 200: start first
    { desired: 1, running: 1, min: 50, max: 100, can: false }, // ceil(0.5) = 1, floor(1) = 1
    { desired: 1, running: 1, min: 0, max: 100, can: true }, // stop first
    { desired: 2, running: 2, min: 100, max: 100, can: false },
    { desired: 4, running: 4, min: 50, max: 100, can: true }, // 3 ≥ 2: stop one
    { desired: 2, running: 2, min: 100, max: 150, can: true }, // floor(3) = 3 > 2: start one
    { desired: 1, running: 1, min: 100, max: 150, can: false }, // floor(1.5) = 1
  ])('desired $desired at $min / $max → $can', ({ desired, running, min, max, can }) => {
    expect(canMoveTask(service(desired, running, min, max))).toBe(can);
  });

  it('names a stuck service once, and only for tasks DRAINING instances hand over', () => {
    const snapshot = {
      services: [service(1, 1, 50, 100)],
      tasks: [{ taskArn: 't1', group: 'service:one', taskDefinitionArn: 'td', lastStatus: 'RUNNING' }],
    } as unknown as ClusterSnapshot;
    const moves = [{ label: 't1', reservation: { CPU: 512, MEMORY: 512, GPU: 0 }, count: 1 }];
    const reasons = stuckDrainReasons(snapshot, moves);
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toMatch(
      /^one's tasks on DRAINING instances cannot move: at desired 1, minimumHealthyPercent 50 and maximumPercent 100/,
    );
    expect(stuckDrainReasons(snapshot, [])).toEqual([]);
  });

  it('says nothing while a replacement is under way (running + pending above desired)', () => {
    // desired 2 at 100 / 150: ECS started the third task (PENDING), which fills maximumPercent; the old
    // task stops once it runs.
    const s = { ...service(2, 2, 100, 150), pendingCount: 1 } as Service;
    expect(canMoveTask(s)).toBe(false);
    const snapshot = {
      services: [s],
      tasks: [{ taskArn: 't1', group: 'service:one', taskDefinitionArn: 'td', lastStatus: 'RUNNING' }],
    } as unknown as ClusterSnapshot;
    const moves = [{ label: 't1', reservation: { CPU: 512, MEMORY: 512, GPU: 0 }, count: 1 }];
    expect(stuckDrainReasons(snapshot, moves)).toEqual([]);
    // Without one under way, one task at 100 / 150 stays stuck (floor(1.5) = 1).
    const one = { ...snapshot, services: [service(1, 1, 100, 150)] } as ClusterSnapshot;
    expect(stuckDrainReasons(one, moves)).toHaveLength(1);
  });
});
