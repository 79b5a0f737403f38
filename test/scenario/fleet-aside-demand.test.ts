/**
 * Waiting tasks that only a group another controller drives can run (random world 3710, ninth stop): a
 * task bound by `memberOf(attribute:ecs.instance-type =~ r5.*)` whose only r5 group is sized by an ECS
 * capacity provider's managed scaling (the scaler stands aside), and a task of a service on that
 * provider's strategy. Neither may land on the scaler's t3 group: the scaler must not buy a t3 for them,
 * and must not set its own drained, idle t3 ACTIVE again for them. Before, CPU/memory packing placed them
 * on any instance: the idle t3 was drained, set ACTIVE again a minute later ("demand came back"), and
 * again every ten minutes, for good; once that was fixed, a t3 was bought for the r5-bound task instead.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createCapacityProvider } from '../../sim/coexist.js';
import type { Sim } from '../../sim/index.js';
import {
  CLUSTER,
  fleetWorld,
  scalerActivations,
  scalerErrors,
  startFleet,
  violations,
} from './fleet-world.js';

let sim: Sim | undefined;
afterEach(() => {
  sim?.dispose();
  sim = undefined;
});

const world = (bound: 'memberOf' | 'provider', asideHeadroom = '0'): Sim => {
  const s = fleetWorld([
    // The provider's group: tagged, but ECS's managed scaling sizes it (and holds it at zero here).
    {
      name: 'r5',
      min: 0,
      max: 10,
      desired: 0,
      instanceTypes: ['r5.large'],
      tags: asideHeadroom === 'default' ? {} : { 'ecs-autoscaler:headroom-tasks': asideHeadroom },
    },
    {
      name: 't3',
      min: 0,
      max: 10,
      desired: 2,
      instanceTypes: ['t3.medium'],
      tags: { 'ecs-autoscaler:headroom-tasks': '0' },
    },
  ]);
  createCapacityProvider(s.ecs, s.asg, {
    name: 'r5-cp',
    cluster: CLUSTER,
    autoScalingGroup: 'r5',
    managedScaling: true,
    managedTerminationProtection: true,
  });
  s.registerTaskDefinition({ family: 'small', containers: [{ cpu: 2048, memoryReservation: 512 }] });
  s.registerTaskDefinition({
    family: 'r5only',
    containers: [{ cpu: 1024, memoryReservation: 512 }],
    ...(bound === 'memberOf'
      ? {
          placementConstraints: [
            { type: 'memberOf' as const, expression: 'attribute:ecs.instance-type =~ r5.*' },
          ],
        }
      : {}),
  });
  s.createService({ cluster: CLUSTER, name: 'small', taskDefinition: 'small', desiredCount: 1 });
  s.createService({
    cluster: CLUSTER,
    name: 'r5only',
    taskDefinition: 'r5only',
    desiredCount: 1,
    ...(bound === 'provider' ? { capacityProviderStrategy: [{ capacityProvider: 'r5-cp' }] } : {}),
  });
  return s;
};

const liveT3 = (s: Sim) =>
  [...s.asg.groups.get('t3')!.instances.values()].filter(
    (i) => i.lifecycleState === 'InService' || i.lifecycleState === 'Pending',
  );

describe('waiting tasks only a group another controller drives can run', () => {
  for (const [bound, asideHeadroom] of [
    ['memberOf', '0'],
    ['provider', '0'],
    // The r5 group's own headroom (its default, 1) is not the scaler's to keep: before, scale-out kept it
    // on the t3 group while the t3 group's scale-in (at 0) gave it back — drained, ACTIVE again, for good.
    ['memberOf', 'default'],
  ] as const) {
    it(`(${bound}, the r5 group's headroom ${asideHeadroom}) neither buy a t3 nor keep the idle one`, async () => {
      sim = world(bound, asideHeadroom);
      startFleet(sim);
      let peak = 0;
      for (let t = 0; t < 2400; t += 60) {
        await sim.runFor(60);
        peak = Math.max(peak, liveT3(sim).length);
      }
      // `small` fills one t3; the second goes, and nothing is bought.
      expect(peak).toBe(2);
      expect(liveT3(sim)).toHaveLength(1);
      expect(scalerActivations(sim)).toEqual([]);
      const r5only = sim.ecs.cluster(CLUSTER)!.services.get('r5only')!;
      expect([...r5only.tasks].filter((t) => t.lastStatus === 'RUNNING')).toHaveLength(0);
      expect(scalerErrors(sim)).toEqual([]);
      expect(violations(sim)).toEqual([]);
    });
  }
});
