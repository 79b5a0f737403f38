/**
 * The five clusters of issue 12, as snapshots in raw AWS shapes, through the real planner: each used to
 * `hold` forever. Now the first three scale out by exactly what ECS's rules need (headroom 0), the arm64
 * service is unplaceable and the crash loop is a crash loop — neither is bought for, neither blocks
 * scale-in.
 */
import { describe, expect, it } from 'vitest';
import type { ClusterSnapshot } from '../../../shared/core/snapshot/snapshot.js';
import { fleet, planOf, snapshotOf, taskOn } from '../planner/builders.js';

type Raw = Record<string, unknown> & {
  containerInstances: Record<string, unknown>[];
  services: Record<string, unknown>[];
  taskDefinitions: Record<string, unknown>[];
};

/** m5.large instances (2048 CPU, 7680 MiB registered) with `usedCpu/usedMem` and a patch per instance. */
const cluster = (
  n: number,
  services: { name: string; desired: number; running: number; cpu?: number; mem?: number }[],
  patch: (raw: Raw) => void,
  tasks: ReturnType<typeof taskOn>[] = [],
): ClusterSnapshot => {
  const base = snapshotOf({
    instances: fleet(n, { cpu: 2048, mem: 7680, usedCpu: 512, usedMem: 1024, running: 2 }),
    services: services.map((s) => ({ cpu: s.cpu ?? 256, mem: s.mem ?? 512, ...s })),
    group: { instanceType: 'm5.large', tags: { 'ecs-autoscaler:headroom-tasks': '0' } },
    tasks,
  });
  const raw = structuredClone(base) as unknown as Raw;
  for (const ci of raw.containerInstances) {
    (ci.attributes as { name: string; value?: string }[]).push(
      { name: 'ecs.instance-type', value: 'm5.large' },
      { name: 'ecs.cpu-architecture', value: 'x86_64' },
      { name: 'ecs.os-type', value: 'linux' },
    );
  }
  patch(raw);
  return raw as unknown as ClusterSnapshot;
};

/** Two instances are idle (their tasks listed: none), the others hold one web task each. */
const twoIdle = (raw: Raw) => {
  raw.containerInstances.forEach((ci, k) => {
    const idle = k >= 2;
    ci.runningTasksCount = idle ? 0 : 1;
    ci.remainingResources = [
      { name: 'CPU', type: 'INTEGER', integerValue: idle ? 2048 : 1792 },
      { name: 'MEMORY', type: 'INTEGER', integerValue: idle ? 7680 : 7168 },
    ];
  });
};

const ports = (ci: Record<string, unknown>, tcp: string[]) => {
  (ci.remainingResources as unknown[]).push({
    name: 'PORTS',
    type: 'STRINGSET',
    stringSetValue: ['22', '2375', '2376', '51678', '51679', ...tcp],
  });
};

describe('waiting tasks (issue 12 cases)', () => {
  it('static hostPort 80 taken on all 4 instances: 2 waiting tasks need 2 new instances', () => {
    const s = cluster(4, [{ name: 'web', desired: 6, running: 4 }], (raw) => {
      for (const ci of raw.containerInstances) ports(ci, ['80']);
      raw.taskDefinitions[0]!.containerDefinitions = [
        { name: 'web', portMappings: [{ containerPort: 80, hostPort: 80, protocol: 'tcp' }] },
      ];
      raw.taskDefinitions[0]!.networkMode = 'bridge';
    });
    const plan = planOf(s);
    expect(plan.waitingTasks?.map((w) => [w.kind, w.count])).toEqual([['needs-capacity', 2]]);
    expect(plan.waitingTasks?.[0]?.refusals[0]).toMatchObject({ instanceClass: 'm5.large', count: 4 });
    expect(plan.waitingTasks?.[0]?.refusals[0]?.reason).toMatch(/port 80\/tcp/);
    expect(plan.action).toBe('scale-out');
    expect(plan.desiredCapacity.proposed).toBe(6);
  });

  it('awsvpc on m5.large with both task ENIs used: 6 running / 9 desired needs 2 new instances', () => {
    const s = cluster(3, [{ name: 'api', desired: 9, running: 6 }], (raw) => {
      for (const ci of raw.containerInstances) {
        ci.attachments = [0, 1].map((k) => ({
          id: `a${k}`,
          type: 'ElasticNetworkInterface',
          status: 'ATTACHED',
        }));
      }
      raw.taskDefinitions[0]!.networkMode = 'awsvpc';
    });
    const plan = planOf(s);
    expect(plan.waitingTasks?.map((w) => [w.kind, w.count])).toEqual([['needs-capacity', 3]]);
    expect(plan.waitingTasks?.[0]?.refusals[0]?.reason).toMatch(/task ENI/);
    expect(plan.desiredCapacity.proposed).toBe(5);
  });

  it('the same awsvpc cluster with ENI trunking has room: waiting for ECS, no scale-out', () => {
    const s = cluster(3, [{ name: 'api', desired: 9, running: 6 }], (raw) => {
      for (const ci of raw.containerInstances) {
        ci.attachments = [0, 1].map((k) => ({
          id: `a${k}`,
          type: 'ElasticNetworkInterface',
          status: 'ATTACHED',
        }));
        (ci.attributes as unknown[]).push({ name: 'ecs.awsvpc-trunk-id', value: 'eni-1' });
      }
      raw.taskDefinitions[0]!.networkMode = 'awsvpc';
    });
    const plan = planOf(s);
    expect(plan.waitingTasks?.map((w) => [w.kind, w.count])).toEqual([['waiting-for-ecs', 3]]);
    expect(plan.action).toBe('hold');
  });

  it('distinctInstance at 3 running / 5 desired on 3 instances (no task list) needs 2 new instances', () => {
    const s = cluster(3, [{ name: 'cache', desired: 5, running: 3 }], (raw) => {
      raw.services[0]!.placementConstraints = [{ type: 'distinctInstance' }];
    });
    const plan = planOf(s);
    expect(plan.waitingTasks?.map((w) => [w.kind, w.count])).toEqual([['needs-capacity', 2]]);
    expect(plan.desiredCapacity.proposed).toBe(5);
  });

  it('arm64 tasks in an x86-only group are unplaceable: not bought for, and idle instances drain', () => {
    const s = cluster(
      4,
      [
        { name: 'web', desired: 2, running: 2 },
        { name: 'arm', desired: 2, running: 0 },
      ],
      (raw) => {
        raw.taskDefinitions[1]!.runtimePlatform = {
          cpuArchitecture: 'ARM64',
          operatingSystemFamily: 'LINUX',
        };
        raw.taskDefinitions[1]!.requiresAttributes = [{ name: 'ecs.cpu-architecture', value: 'arm64' }];
        twoIdle(raw);
      },
      [taskOn('i-00000000000000001', 'web', 1), taskOn('i-00000000000000002', 'web', 1)],
    );
    const plan = planOf(s);
    const arm = plan.waitingTasks?.find((w) => w.service === 'arm');
    expect(arm).toMatchObject({ kind: 'unplaceable', count: 2 });
    expect(arm?.refusals.find((r) => r.instanceClass === 'new m5.large')?.reason).toMatch(/arm64.*x86_64/);
    expect(plan.reasons.join('\n')).toMatch(/can never be placed/);
    expect(plan.action).toBe('scale-in');
    expect(plan.drain.length).toBeGreaterThan(0);
  });

  it('a crash loop (failedTasks climbing, tasks fit) is reported and does not block scale-in', () => {
    const s = cluster(
      4,
      [
        { name: 'web', desired: 2, running: 2 },
        { name: 'crashy', desired: 2, running: 0 },
      ],
      (raw) => {
        const d = (raw.services[1]!.deployments as Record<string, unknown>[])[0]!;
        d.failedTasks = 7;
        raw.services[1]!.events = [
          {
            id: 'e1',
            createdAt: '2026-11-22T11:50:00.000Z',
            message: '(service crashy) is unable to consistently start tasks successfully.',
          },
        ];
        raw.containerInstances.forEach((ci, k) => {
          const idle = k >= 2;
          ci.runningTasksCount = idle ? 0 : 1;
        });
      },
      [taskOn('i-00000000000000001', 'web', 1), taskOn('i-00000000000000002', 'web', 1)],
    );
    const plan = planOf(s);
    expect(plan.waitingTasks?.map((w) => [w.service, w.kind, w.count])).toEqual([
      ['crashy', 'crash-loop', 2],
    ]);
    expect(plan.action).toBe('scale-in');
  });

  it('ECS saying it cannot place a task after the newest instance registered wins over the model', () => {
    const s = cluster(2, [{ name: 'web', desired: 3, running: 2 }], (raw) => {
      raw.services[0]!.events = [
        {
          id: 'e1',
          createdAt: '2026-11-22T11:59:00.000Z',
          message:
            '(service web) was unable to place a task because no container instance met all of its requirements. The closest matching container-instance abc has insufficient memory available.',
        },
      ];
      for (const ci of raw.containerInstances) ci.registeredAt = '2026-11-22T10:00:00.000Z';
    });
    const plan = planOf(s);
    expect(plan.waitingTasks?.[0]).toMatchObject({ kind: 'needs-capacity', count: 1, newOnly: true });
    expect(plan.desiredCapacity.proposed).toBe(3);
  });

  it("tasks of another capacity provider's strategy are that provider's: not bought for, and idle instances drain", () => {
    const s = cluster(
      4,
      [
        { name: 'web', desired: 2, running: 2 },
        { name: 'batch', desired: 3, running: 0, cpu: 1024 },
      ],
      (raw) => {
        // The service names a provider (its group is not this scaler's): ECS places its tasks only on
        // that provider's instances, none of which is in this group.
        raw.services[1]!.capacityProviderStrategy = [{ capacityProvider: 'batch-cp', weight: 1, base: 0 }];
        delete raw.services[1]!.launchType;
        twoIdle(raw);
      },
      [taskOn('i-00000000000000001', 'web', 1), taskOn('i-00000000000000002', 'web', 1)],
    );
    const plan = planOf(s);
    const batch = plan.waitingTasks?.find((w) => w.service === 'batch');
    expect(batch).toMatchObject({ kind: 'capacity-provider', count: 3 });
    expect(batch?.reason).toMatch(/only on instances of capacity provider batch-cp/);
    expect(plan.reasons.join('\n')).toMatch(/batch-cp.*does not hold scale-in/);
    // Without the strategy the 3 tasks would fit on the idle instances (waiting for ECS); with it they
    // take none of this group's room, and the group drains what web does not need.
    expect(plan.action).toBe('scale-in');
    expect(plan.drain.length).toBeGreaterThan(0);
  });

  it("the cluster's default strategy binds a service that names no launch type; launchType EC2 does not", () => {
    const build = (launchType: string | undefined) =>
      cluster(2, [{ name: 'web', desired: 5, running: 2, cpu: 1024 }], (raw) => {
        (raw.cluster as Record<string, unknown>).defaultCapacityProviderStrategy = [
          { capacityProvider: 'other-cp', weight: 1, base: 0 },
        ];
        if (launchType) raw.services[0]!.launchType = launchType;
        else delete raw.services[0]!.launchType;
      });
    const bound = planOf(build(undefined));
    expect(bound.waitingTasks?.map((w) => [w.kind, w.count])).toEqual([['capacity-provider', 3]]);
    expect(bound.action).not.toBe('scale-out');
    const ec2 = planOf(build('EC2'));
    expect(ec2.waitingTasks?.some((w) => w.kind === 'capacity-provider')).toBe(false);
    expect(ec2.action).toBe('scale-out');
  });
});
