/**
 * Issue 19: a cluster decision reads task lists only where they decide something — the instances it is
 * about to drain (standalone jobs and protected tasks rank a host last), never those of every scale-in
 * candidate on every tick — and an instance whose list was not read is never drained.
 */
import { describe, expect, it } from 'vitest';
import {
  type ClusterPorts,
  scaleCluster,
  TASK_READ_ROUNDS,
} from '../../../functions/cluster-scaler/scale-cluster.js';
import { MAX_REMOVALS_PER_DECISION } from '../../../shared/core/cluster/index.js';
import { DEFAULT_CLUSTER_POLICY } from '../../../shared/core/cluster/policy.js';
import { AwsRejectedError, TransientAwsError } from '../../../shared/core/errors.js';
import type { ClusterSnapshot, Task } from '../../../shared/core/snapshot/index.js';
import { ciArn, fleet, NOW, snapshotOf, taskOn } from '../planner/builders.js';

const id = (n: number) => `i-${String(n).padStart(17, '0')}`;

const jobOn = (n: number): Task => ({
  taskArn: `arn:aws:ecs:us-east-1:123456789012:task/c1/job-${n}`,
  taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/job:1',
  containerInstanceArn: ciArn(id(n)),
  lastStatus: 'RUNNING',
  group: 'family:job',
  cpu: '512',
  memory: '1024',
});

/** `n` instances with one task each (a `web` task, or a standalone job on the instances in `jobs`). */
const world = (n: number, jobs: number[]): { snapshot: ClusterSnapshot; tasks: Task[] } => {
  const tasks = Array.from({ length: n }, (_, k) =>
    jobs.includes(k + 1) ? jobOn(k + 1) : taskOn(id(k + 1), 'web', k + 1),
  );
  const snapshot = snapshotOf({
    instances: fleet(n, { usedCpu: 512, usedMem: 1024, running: 1 }),
    services: [{ name: 'web', cpu: 512, mem: 1024, desired: n - jobs.length }],
    // MaxSize at least the members: Auto Scaling keeps desired within the group's bounds.
    group: { min: 1, max: Math.max(20, n) },
  });
  delete snapshot.tasks;
  return { snapshot, tasks };
};

/** Decides once; `reads` records the instances of each readTasks call. */
const decide = async (w: { snapshot: ClusterSnapshot; tasks: Task[] }, unneededSeconds: number) => {
  const reads: string[][] = [];
  const ports: ClusterPorts = {
    readSnapshot: async () => structuredClone(w.snapshot),
    readTasks: async (_cluster, arns) => {
      reads.push([...arns]);
      return w.tasks.filter((t) => arns.includes(t.containerInstanceArn ?? ''));
    },
    writer: {} as ClusterPorts['writer'],
  };
  const decision = await scaleCluster(
    'c1',
    ports,
    { dryRun: true, defaults: { ...DEFAULT_CLUSTER_POLICY, scaleInUnneededSeconds: unneededSeconds } },
    () => NOW,
  );
  const drained = decision.plan.drain.map((d) => ciArn(d.ec2InstanceId));
  return { plan: decision.plan, reads, read: new Set(reads.flat()), drained };
};

describe('cluster decision: task reads only where they decide', () => {
  it('reads no task list while the removable instances wait for their unneeded time', async () => {
    const { plan, reads } = await decide(world(6, []), 600);
    expect(plan.action).toBe('hold');
    expect(plan.reasons.join('\n')).toMatch(/could go, unneeded for 0 s of the 600 s/);
    expect(reads).toEqual([]);
  });

  it('reads the lists of the instances it drains, and only theirs', async () => {
    const { plan, read, drained } = await decide(world(6, []), 0);
    expect(plan.action).toBe('scale-in');
    expect(drained.length).toBeGreaterThan(0);
    expect([...read].sort()).toEqual([...drained].sort());
  });

  it('a job host read first ranks last: the next instance is read and drained instead', async () => {
    const { plan, reads, drained } = await decide(world(3, [1]), 0);
    expect(plan.action).toBe('scale-in');
    expect(reads[0]).toContain(ciArn(id(1)));
    expect(drained).not.toContain(ciArn(id(1)));
    expect(reads.length).toBeGreaterThan(1);
  });

  it('with a job on every host, drains only instances whose list was read, within the read rounds', async () => {
    const all = Array.from({ length: 40 }, (_, k) => k + 1);
    const { plan, reads, read, drained } = await decide(world(40, all), 0);
    expect(plan.action).toBe('scale-in');
    expect(drained.length).toBeGreaterThan(0);
    for (const arn of drained) expect(read.has(arn)).toBe(true);
    // Each round asks for at most as many as drain now (≤ MAX_REMOVALS_PER_DECISION), never all 40.
    expect(reads.length).toBeLessThanOrEqual(TASK_READ_ROUNDS);
    expect(read.size).toBeLessThanOrEqual(TASK_READ_ROUNDS * MAX_REMOVALS_PER_DECISION);
  });

  it('a list that cannot be read now (throttled) leaves its instances undrained, and the decision stands', async () => {
    const w = world(6, []);
    const throttled = new TransientAwsError(
      'ecs:ListTasks failed temporarily (ThrottlingException): retry later',
    );
    const decideWith = (ports: Partial<ClusterPorts>) =>
      scaleCluster(
        'c1',
        {
          readSnapshot: async () => structuredClone(w.snapshot),
          readTasks: async (_cluster, arns) =>
            w.tasks.filter((t) => arns.includes(t.containerInstanceArn ?? '')),
          writer: {} as ClusterPorts['writer'],
          ...ports,
        },
        { dryRun: true, defaults: { ...DEFAULT_CLUSTER_POLICY, scaleInUnneededSeconds: 0 } },
        () => NOW,
      );
    const lists = await decideWith({
      readTasks: async () => {
        throw throttled;
      },
    });
    expect(lists.plan.drain).toEqual([]);
    expect(lists.plan.reasons.join('\n')).toMatch(
      /task lists of \d+ instance\(s\) could not be read \(ecs:ListTasks failed temporarily/,
    );
    // The lists were read but their tasks' protection was not: those lists are not used either.
    const protection = await decideWith({
      readTaskProtection: async () => {
        throw throttled;
      },
    });
    expect(protection.plan.drain).toEqual([]);
    // Read, the same instances drain.
    expect((await decideWith({})).plan.drain.length).toBeGreaterThan(0);
    // Not a transient failure: the decision fails as before (nothing written; the tick retries).
    const denied = new AwsRejectedError(
      'ecs:ListTasks was refused (AccessDeniedException)',
      'AccessDeniedException',
    );
    await expect(
      decideWith({
        readTasks: async () => {
          throw denied;
        },
      }),
    ).rejects.toBe(denied);
  });
});
