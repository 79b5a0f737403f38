/**
 * Pools by custom attribute on the simulator: two groups of the same instance type whose launch templates
 * register their instances with different custom attributes (`ECS_INSTANCE_ATTRIBUTES` in the user data:
 * `pool=web` and `pool=batch`), and a service constrained to each pool (`memberOf(attribute:pool == …)`,
 * the ECS developer guide's own example of a custom-attribute constraint). A new instance has the
 * attributes of its own group's instances, not of whichever instance of its type the cluster lists first:
 * the batch service's waiting tasks grow the batch group, never the web group, whichever name sorts first.
 * A group at zero has no instance to copy: its launch template's user data says (DescribeLaunchTemplateVersions).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Sim } from '../../sim/index.js';
import {
  CLUSTER,
  desiredWrites,
  fleetWorld,
  liveTypes,
  scalerErrors,
  startFleet,
  tasksOf,
  violations,
} from './fleet-world.js';

let sim: Sim | undefined;
afterEach(() => {
  sim?.dispose();
  sim = undefined;
});

/** A world with a web pool of 3 and a batch pool of `batchDesired` m5.large, `web` and `batch` services. */
const pools = (webName: string, batchName: string, batchDesired: number): Sim => {
  const w = fleetWorld([
    {
      name: webName,
      min: 1,
      max: 10,
      desired: 3,
      instanceTypes: ['m5.large'],
      agentAttributes: { pool: 'web' },
    },
    {
      name: batchName,
      min: 0,
      max: 10,
      desired: batchDesired,
      instanceTypes: ['m5.large'],
      agentAttributes: { pool: 'batch' },
    },
  ]);
  w.createService({
    cluster: CLUSTER,
    name: 'web',
    taskDefinition: 'web',
    desiredCount: 3,
    placementConstraints: [{ type: 'memberOf', expression: 'attribute:pool == web' }],
  });
  w.createService({
    cluster: CLUSTER,
    name: 'batch',
    taskDefinition: 'web',
    desiredCount: batchDesired * 2,
    placementConstraints: [{ type: 'memberOf', expression: 'attribute:pool == batch' }],
  });
  return w;
};

/**
 * Runs the world with batch demand stepping to `tasks` at 2 minutes for 30 minutes: every batch task runs,
 * the web group is never written to, and the batch group's largest desired capacity is `batchMax`.
 */
const batchGrows = async (
  webName: string,
  batchName: string,
  batchDesired: number,
  tasks: number,
  batchMax: number,
) => {
  sim = pools(webName, batchName, batchDesired);
  startFleet(sim);
  sim.trace(CLUSTER, 'batch', [[120, tasks]]);
  await sim.runFor(1800);
  expect(scalerErrors(sim)).toEqual([]);
  expect(violations(sim)).toEqual([]);
  expect(tasksOf(sim, 'batch')).toEqual({ desired: tasks, running: tasks });
  expect(desiredWrites(sim, webName)).toEqual([]);
  expect(Math.max(...desiredWrites(sim, batchName))).toBe(batchMax);
};

describe('custom-attribute pools on the simulator', () => {
  for (const [webName, batchName] of [
    ['a-web', 'b-batch'],
    ['b-web', 'a-batch'],
  ] as const) {
    // Two 1024-CPU tasks fill an m5.large: 6 batch tasks need 3 batch instances. The headroom (one more of
    // the largest task, by its task definition's rules, not a service's constraint) fits on the free half
    // of a web instance, so no 4th.
    it(`batch tasks grow the batch group (${webName}, ${batchName})`, () =>
      batchGrows(webName, batchName, 1, 6, 3));

    it(`a batch group at zero grows for batch tasks: its user data names its pool (${webName}, ${batchName})`, () =>
      batchGrows(webName, batchName, 0, 4, 2));
  }

  // MaxSize as a budget cap: the batch pool is full at 2 instances with 2 batch tasks waiting. No group may
  // add capacity for them, and the web pool, which can never run them, scaled in nothing while they waited:
  // 4 web instances for 2 web tasks, for good. It now goes on scaling in (planner.ts).
  it('a batch pool at MaxSize with tasks waiting does not keep the web pool idle', async () => {
    const headroom = { 'ecs-autoscaler:headroom-tasks': '0' };
    const pool = (name: string, desired: number, max: number) => ({
      name,
      min: name === 'web' ? 1 : 0,
      max,
      desired,
      instanceTypes: ['m5.large'],
      agentAttributes: { pool: name },
      tags: headroom,
    });
    sim = fleetWorld([pool('web', 4, 10), pool('batch', 2, 2)]);
    for (const [name, desiredCount] of [
      ['web', 2],
      ['batch', 6],
    ] as const) {
      sim.createService({
        cluster: CLUSTER,
        name,
        taskDefinition: 'web',
        desiredCount,
        placementConstraints: [{ type: 'memberOf', expression: `attribute:pool == ${name}` }],
      });
    }
    startFleet(sim);
    await sim.runFor(2400);
    expect(scalerErrors(sim)).toEqual([]);
    expect(violations(sim)).toEqual([]);
    expect(tasksOf(sim, 'web')).toEqual({ desired: 2, running: 2 });
    expect(tasksOf(sim, 'batch')).toEqual({ desired: 6, running: 4 });
    // Two 1024-CPU web tasks fill one m5.large; the batch pool holds at its MaxSize.
    expect(liveTypes(sim, 'web')).toEqual(['m5.large']);
    expect(liveTypes(sim, 'batch')).toEqual(['m5.large', 'm5.large']);
  });
});
