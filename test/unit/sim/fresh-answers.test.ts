/**
 * DescribeTasks, DescribeContainerInstances, DescribeServices and DescribeAutoScalingGroups answer
 * without the dispatcher's copy (`compact`): their items are built for each call. That is only right if an answer is exactly what `compact` would have
 * made of it (no undefined member, same members in the same order) and if nothing in it is the
 * simulator's own state (a caller changing an answer must not change the world or the next answer).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createSim, type Sim } from '../../../sim/index.js';
import { compact } from '../../../sim/sdk/responses.js';

let sim: Sim;
afterEach(() => sim.dispose());

const build = () => {
  sim = createSim({ seed: 5 });
  sim.createCluster('c');
  sim.registerTaskDefinition({ family: 'web', containers: [{ cpu: 256, memoryReservation: 1024 }] });
  sim.registerTaskDefinition({ family: 'agent', containers: [{ cpu: 64, memory: 128 }] });
  sim.registerTaskDefinition({ family: 'batch', containers: [{ cpu: 256, memory: 512 }] });
  sim.createAutoScalingGroup({ name: 'asg', cluster: 'c', min: 3, max: 3 });
  sim.createService({ cluster: 'c', name: 'agent', taskDefinition: 'agent', schedulingStrategy: 'DAEMON' });
  sim.createService({ cluster: 'c', name: 'web', taskDefinition: 'web', desiredCount: 5 });
  sim.runTask('c', 'batch', 2, { strategy: [{ type: 'binpack', field: 'memory' }] });
  return sim.ecs.clusters.get('c')!;
};

/** Every member path whose value is undefined. */
const undefinedPaths = (value: unknown, path = '$'): string[] => {
  if (value === undefined) return [path];
  if (value === null || typeof value !== 'object' || value instanceof Date) return [];
  return Object.entries(value).flatMap(([k, v]) => undefinedPaths(v, `${path}.${k}`));
};

/** JSON with member order kept (toEqual ignores order). */
const ordered = (value: unknown) => JSON.stringify(value);

const describeAll = async (cluster: ReturnType<typeof build>, withTags: boolean) => {
  const tasks = await sim.call('ecs', 'DescribeTasks', {
    cluster: 'c',
    tasks: [...cluster.tasks.keys()],
    ...(withTags ? { include: ['TAGS'] } : {}),
  });
  const instances = await sim.call('ecs', 'DescribeContainerInstances', {
    cluster: 'c',
    containerInstances: [...cluster.instances.keys()],
  });
  const services = await sim.call('ecs', 'DescribeServices', {
    cluster: 'c',
    services: ['agent', 'web'],
    ...(withTags ? { include: ['TAGS'] } : {}),
  });
  const groups = await sim.call('autoscaling', 'DescribeAutoScalingGroups', {});
  // $metadata (request id) is added per call, outside the command's answer.
  const { $metadata: _t, ...taskAnswer } = tasks;
  const { $metadata: _i, ...instanceAnswer } = instances;
  const { $metadata: _s, ...serviceAnswer } = services;
  const { $metadata: _g, ...groupAnswer } = groups;
  return { tasks: taskAnswer, instances: instanceAnswer, services: serviceAnswer, groups: groupAnswer };
};

describe('answers built for each call (no copy by the dispatcher)', () => {
  it('are what compact() makes of them, at every stage of tasks and instances', async () => {
    const cluster = build();
    const seen = new Set<string>();
    const check = async () => {
      for (const withTags of [true, false]) {
        const { tasks, instances, services, groups } = await describeAll(cluster, withTags);
        for (const answer of [tasks, instances, services, groups]) {
          expect(undefinedPaths(answer)).toEqual([]);
          expect(ordered(compact(answer))).toBe(ordered(answer));
          expect(compact(answer)).toEqual(answer);
        }
        for (const t of tasks.tasks as Array<Record<string, unknown>>) {
          seen.add(String(t.lastStatus));
          expect('tags' in t).toBe(withTags);
        }
        for (const ci of instances.containerInstances as Array<Record<string, unknown>>) {
          seen.add(String(ci.status));
        }
      }
    };
    await check();
    await sim.runFor(30);
    await check();
    const victim = [...cluster.instances.values()][0]!;
    await sim.call('ecs', 'UpdateContainerInstancesState', {
      cluster: 'c',
      containerInstances: [victim.arn],
      status: 'DRAINING',
    });
    await sim.call('ecs', 'UpdateService', { cluster: 'c', service: 'web', desiredCount: 2 });
    for (let s = 0; s < 30; s++) {
      await sim.runFor(2);
      await check();
    }
    await sim.call('ecs', 'UpdateService', { cluster: 'c', service: 'web', desiredCount: 6 });
    for (let s = 0; s < 30; s++) {
      await sim.runFor(2);
      await check();
    }
    // The checks covered tasks starting, running and stopped, and an instance draining.
    expect([...seen]).toEqual(
      expect.arrayContaining(['PENDING', 'RUNNING', 'STOPPED', 'ACTIVE', 'DRAINING']),
    );
  });

  it('share nothing with the world: changing an answer changes neither the world nor the next answer', async () => {
    const cluster = build();
    await sim.runFor(60);
    const first = await describeAll(cluster, true);
    const pristine = structuredClone(first);
    const scribble = (value: unknown): void => {
      if (value === null || typeof value !== 'object') return;
      if (value instanceof Date) {
        value.setTime(0);
        return;
      }
      if (Array.isArray(value)) {
        for (const v of value) scribble(v);
        value.push('scribbled');
        return;
      }
      const o = value as Record<string, unknown>;
      for (const k of Object.keys(o)) {
        if (typeof o[k] === 'object') scribble(o[k]);
        else o[k] = 'scribbled';
      }
    };
    scribble(first);
    const again = await describeAll(cluster, true);
    expect(ordered(again)).toBe(ordered(pristine));
    for (const ci of cluster.instances.values()) {
      expect(ci.attributes.every((a) => a.name !== 'scribbled' && a.value !== 'scribbled')).toBe(true);
    }
  });
});
