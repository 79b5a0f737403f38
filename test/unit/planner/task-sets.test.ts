/**
 * Services of the CodeDeploy blue/green (`CODE_DEPLOY`) and `EXTERNAL` deployment controllers run task
 * sets, not deployments: DescribeServices lists them under `taskSets` (each kept at its
 * computedDesiredCount) and leaves `deployments` empty (AWS CLI `create-service` example 3), and an
 * EXTERNAL service may have no task definition of its own. Before, the scaler read only `deployments`: a
 * green task set waiting for room was invisible (the service's running count, blue's, met its desired
 * count) and the cluster held while CodeDeploy waited; an EXTERNAL service's size was unknown.
 */
import { describe, expect, it } from 'vitest';
import { analyzeCapacity } from '../../../shared/core/capacity/index.js';
import { withExtraTasks } from '../../../shared/core/service/cluster-growth.js';
import { type ClusterSnapshot, parseSnapshot } from '../../../shared/core/snapshot/snapshot.js';
import { planOf, snapshotOf } from './builders.js';

const TD = (rev: number) => `arn:aws:ecs:us-east-1:123456789012:task-definition/web:${rev}`;

interface SetSpec {
  status: 'PRIMARY' | 'ACTIVE' | 'DRAINING';
  rev: number;
  computed: number;
  running: number;
  scale?: number;
}

/**
 * Two 4096 / 8192 hosts full with `web` (2048 / 4096, 4 tasks, all of the PRIMARY set): `web` of
 * deployment controller `controller` with the task sets `sets`.
 */
const cluster = (
  controller: 'CODE_DEPLOY' | 'EXTERNAL',
  sets: SetSpec[],
  over: Record<string, unknown> = {},
): ClusterSnapshot => {
  const base = snapshotOf({
    instances: [
      { id: 'i-00000000000000001', usedCpu: 4096, usedMem: 8192, running: 2 },
      { id: 'i-00000000000000002', usedCpu: 4096, usedMem: 8192, running: 2 },
    ],
    services: [{ name: 'web', cpu: 2048, mem: 4096, desired: 4 }],
  });
  const raw = JSON.parse(JSON.stringify(base));
  const running = sets.reduce((n, s) => n + s.running, 0);
  raw.services[0] = {
    ...raw.services[0],
    runningCount: running,
    deploymentController: { type: controller },
    deployments: [],
    taskSets: sets.map((s, i) => ({
      id: `ecs-svc/${1000000000000000000 + i}`,
      taskSetArn: `arn:aws:ecs:us-east-1:123456789012:task-set/c1/web/ecs-svc/${1000000000000000000 + i}`,
      status: s.status,
      taskDefinition: TD(s.rev),
      computedDesiredCount: s.computed,
      pendingCount: 0,
      runningCount: s.running,
      scale: { value: s.scale ?? 100, unit: 'PERCENT' },
      launchType: 'EC2',
      stabilityStatus: s.running === s.computed ? 'STEADY_STATE' : 'STABILIZING',
    })),
    ...over,
  };
  if (controller === 'EXTERNAL') delete raw.services[0].taskDefinition;
  else raw.services[0].taskDefinition = TD(1);
  raw.taskDefinitions = [1, 2].map((rev) => ({
    taskDefinitionArn: TD(rev),
    cpu: '2048',
    memory: '4096',
    containerDefinitions: [],
  }));
  return parseSnapshot(raw, 'test snapshot');
};

const blueGreen = (over: Record<string, unknown> = {}) =>
  cluster(
    'CODE_DEPLOY',
    [
      { status: 'PRIMARY', rev: 1, computed: 4, running: 4 },
      { status: 'ACTIVE', rev: 2, computed: 4, running: 0 },
    ],
    over,
  );

describe('task sets are the deployments of CODE_DEPLOY and EXTERNAL services', () => {
  it('a green task set waiting for room is unplaced demand, and the cluster scales out for it', () => {
    const snapshot = blueGreen();
    expect(analyzeCapacity(snapshot).unplaced).toEqual([
      expect.objectContaining({ service: 'web', taskDefinition: TD(2), count: 4 }),
    ]);
    const plan = planOf(snapshot);
    expect(plan.action).toBe('scale-out');
    // Four 2048 / 4096 tasks take two more hosts of this size (each holds two), and the headroom a third.
    expect(plan.desiredCapacity).toEqual({ current: 2, proposed: 5 });
    expect(plan.reasons.join('\n')).toMatch(/web/);
  });

  it("the service's maximumPercent does not cap a task set (ECS uses it only while instances drain)", () => {
    const snapshot = blueGreen({
      deploymentConfiguration: { minimumHealthyPercent: 100, maximumPercent: 100 },
    });
    expect(analyzeCapacity(snapshot).unplaced.map((u) => u.count)).toEqual([4]);
    expect(planOf(snapshot).action).toBe('scale-out');
  });

  it('once both sets run, nothing waits; a DRAINING set (being deleted) wants none', () => {
    const both = cluster('CODE_DEPLOY', [
      { status: 'ACTIVE', rev: 1, computed: 4, running: 4 },
      { status: 'PRIMARY', rev: 2, computed: 4, running: 4 },
    ]);
    expect(analyzeCapacity(both).unplaced).toEqual([]);
    const draining = cluster('CODE_DEPLOY', [
      { status: 'DRAINING', rev: 1, computed: 4, running: 2 },
      { status: 'PRIMARY', rev: 2, computed: 4, running: 4 },
    ]);
    expect(analyzeCapacity(draining).unplaced).toEqual([]);
    expect(planOf(draining).waitingTasks ?? []).toEqual([]);
  });

  it('an EXTERNAL service without a task definition of its own has a known size and waiting tasks', () => {
    const snapshot = cluster('EXTERNAL', [
      { status: 'PRIMARY', rev: 1, computed: 4, running: 4 },
      { status: 'ACTIVE', rev: 2, computed: 2, running: 0, scale: 50 },
    ]);
    expect(snapshot.services[0]!.taskDefinition).toBeUndefined();
    const analysis = analyzeCapacity(snapshot);
    expect(analysis.findings.join('\n')).not.toMatch(/size is unknown/);
    expect(analysis.largestTask.reservation).toMatchObject({ CPU: 2048, MEMORY: 4096 });
    expect(analysis.unplaced.map((u) => [u.taskDefinition, u.count])).toEqual([[TD(2), 2]]);
    expect(planOf(snapshot).action).toBe('scale-out');
  });

  it('a malformed task set is a clear error naming its field', () => {
    const good = JSON.parse(JSON.stringify(blueGreen()));
    good.services[0].taskSets[1].computedDesiredCount = -1;
    expect(() => parseSnapshot(good, 'snap.json')).toThrow(
      /snap\.json: field 'services\[0\]\.taskSets\[1\]\.computedDesiredCount' is invalid/,
    );
    delete good.services[0].taskSets[1].taskDefinition;
    good.services[0].taskSets[1].computedDesiredCount = 4;
    expect(() => parseSnapshot(good, 'snap.json')).toThrow(/taskSets\[1\]\.taskDefinition/);
  });

  it('more desired tasks grow every task set by ⌈desired × scale %⌉ (the service scaler)', () => {
    const snapshot = cluster('EXTERNAL', [
      { status: 'PRIMARY', rev: 1, computed: 4, running: 4 },
      { status: 'ACTIVE', rev: 2, computed: 2, running: 2, scale: 50 },
      { status: 'DRAINING', rev: 1, computed: 0, running: 1, scale: 100 },
    ]);
    const grown = withExtraTasks(snapshot, 'web', 3);
    expect(grown.services[0]!.taskSets!.map((t) => t.computedDesiredCount)).toEqual([7, 4, 0]);
  });
});
