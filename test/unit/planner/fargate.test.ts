/**
 * A cluster that runs Fargate (or ECS Anywhere) services beside its EC2 ones: their tasks never land on a
 * container instance of the groups, so they are no demand on them (capacity.ts `ec2View`). Before, a Fargate
 * service's 4 vCPU / 16 GiB task became the cluster's largest task — CPU and memory thresholds of 0 %,
 * headroom wanted for it — and its pending task was reported as one that "can never be placed".
 */
import { describe, expect, it } from 'vitest';
import { analyzeCapacity } from '../../../shared/core/capacity/index.js';
import type { ClusterSnapshot } from '../../../shared/core/snapshot/snapshot.js';
import { planOf, snapshotOf } from './builders.js';

/** Two m5.xlarge-sized hosts, `web` (1024 / 2048, 4 tasks, all running) and `batch` (4096 / 16384, 1 of 3 waiting). */
const cluster = (batch: (s: ClusterSnapshot['services'][number], snap: ClusterSnapshot) => void) => {
  const s = snapshotOf({
    instances: [
      { id: 'i-00000000000000001', usedCpu: 2048, usedMem: 4096, running: 2 },
      { id: 'i-00000000000000002', usedCpu: 2048, usedMem: 4096, running: 2 },
    ],
    services: [
      { name: 'web', cpu: 1024, mem: 2048, desired: 4 },
      { name: 'batch', cpu: 4096, mem: 16384, desired: 3, running: 2 },
    ],
  });
  batch(s.services.find((v) => v.serviceName === 'batch')!, s);
  return s;
};

const onEc2 = cluster(() => undefined);
const shapes: [string, ClusterSnapshot][] = [
  ['launch type FARGATE', cluster((b) => Object.assign(b, { launchType: 'FARGATE' }))],
  ['launch type EXTERNAL (ECS Anywhere)', cluster((b) => Object.assign(b, { launchType: 'EXTERNAL' }))],
  [
    'its own FARGATE / FARGATE_SPOT strategy',
    cluster((b) =>
      Object.assign(b, {
        capacityProviderStrategy: [
          { capacityProvider: 'FARGATE', weight: 1 },
          { capacityProvider: 'FARGATE_SPOT', weight: 3 },
        ],
      }),
    ),
  ],
  [
    "the cluster's default strategy (FARGATE), no launch type",
    cluster((_b, snap) => {
      snap.cluster.defaultCapacityProviderStrategy = [{ capacityProvider: 'FARGATE', weight: 1 }];
      for (const v of snap.services) if (v.serviceName !== 'batch') v.launchType = 'EC2';
    }),
  ],
];

describe('Fargate and ECS Anywhere services are no demand on the groups', () => {
  it.each(shapes)('%s', (_what, snapshot) => {
    const analysis = analyzeCapacity(snapshot);
    expect(analysis.largestTask.reservation).toMatchObject({ CPU: 1024, MEMORY: 2048 });
    expect(analysis.unplaced).toEqual([]);
    const plan = planOf(snapshot);
    expect(plan.reasons.join('\n')).not.toMatch(/batch/);
    expect(plan.waitingTasks ?? []).toEqual([]);
  });

  it('the same service on EC2 is the largest task, and its waiting task is', () => {
    const analysis = analyzeCapacity(onEc2);
    expect(analysis.largestTask.reservation).toMatchObject({ CPU: 4096, MEMORY: 16384 });
    expect(analysis.unplaced.map((u) => [u.service, u.count])).toEqual([['batch', 1]]);
    expect(planOf(onEc2).reasons.join('\n')).toMatch(/batch/);
  });

  it('a strategy with an EC2 provider beside FARGATE is still EC2 demand', () => {
    const mixed = cluster((b) =>
      Object.assign(b, {
        capacityProviderStrategy: [
          { capacityProvider: 'FARGATE', weight: 1 },
          { capacityProvider: 'ec2-cp', weight: 1 },
        ],
      }),
    );
    expect(analyzeCapacity(mixed).largestTask.reservation).toMatchObject({ CPU: 4096 });
  });
});
