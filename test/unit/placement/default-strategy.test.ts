/**
 * A service created without a placement strategy: ECS places its tasks spread on
 * `attribute:ecs.availability-zone` (its default for services, ecs-facts §1.1) while DescribeServices
 * returns `placementStrategy: []`. The simulator learned both halves (sim/ecs/ecs-world.ts
 * `effectiveServiceStrategy`, shapes.ts); the core reads `[]` and applies the default itself
 * (requirements.ts `DEFAULT_SERVICE_STRATEGY`). Checked one against the other: from the simulator's own
 * answers, the core puts the service's tasks in the same Availability Zones as the simulator does.
 */
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SERVICE_STRATEGY,
  type Demand,
  instanceFactsLookup,
  nodeOf,
  placeTasks,
  taskRequirements,
} from '../../../shared/core/placement/index.js';
import {
  ContainerInstanceSchema,
  ServiceSchema,
  TaskDefinitionSchema,
} from '../../../shared/core/snapshot/snapshot.js';
import { containerInstanceShape } from '../../../sim/ecs/shapes.js';
import { createSim, instanceType } from '../../../sim/index.js';

const world = () => {
  const sim = createSim({ seed: 7 });
  sim.createCluster('c');
  const td = sim.registerTaskDefinition({
    family: 'web',
    containers: [{ cpu: 256, memoryReservation: 1024 }],
  });
  // Three instances in us-east-1a, one in us-east-1b: first fit would fill 1a.
  const cis = ['us-east-1a', 'us-east-1a', 'us-east-1a', 'us-east-1b'].map((az, k) =>
    sim.ecs.registerContainerInstance({
      cluster: 'c',
      ec2InstanceId: `i-${k}`,
      instanceType: instanceType('m5.large'),
      az,
    }),
  );
  sim.createService({ cluster: 'c', name: 'web', taskDefinition: 'web', desiredCount: 0 });
  return { sim, td, cis };
};

describe('the default placement strategy of a service', () => {
  it('DescribeServices returns [] for a service created without one, and the simulator spreads by AZ', async () => {
    const { sim } = world();
    try {
      sim.install();
      sim.start();
      const r = (await sim.call('ecs', 'DescribeServices', { cluster: 'c', services: ['web'] })) as {
        services: { placementStrategy: unknown[] }[];
      };
      expect(r.services[0]!.placementStrategy).toEqual([]);
      sim.setDesiredCount('c', 'web', 6);
      await sim.runFor(60);
      const perAz = new Map<string, number>();
      for (const t of sim.liveTasks('c')) perAz.set(t.instance.az, (perAz.get(t.instance.az) ?? 0) + 1);
      expect(Object.fromEntries(perAz)).toEqual({ 'us-east-1a': 3, 'us-east-1b': 3 });
    } finally {
      sim.dispose();
    }
  });

  it('the core applies the default to a service with [] (not to standalone or daemon tasks) and places as the simulator does', async () => {
    const { sim, td, cis } = world();
    try {
      sim.install();
      const described = (await sim.call('ecs', 'DescribeServices', { cluster: 'c', services: ['web'] })) as {
        services: unknown[];
      };
      const service = ServiceSchema.parse(described.services[0]);
      const def = TaskDefinitionSchema.parse(td.raw);
      const req = taskRequirements(def, service);
      expect(req.strategy).toEqual(DEFAULT_SERVICE_STRATEGY);
      expect(taskRequirements(def).strategy).toEqual([]);
      expect(taskRequirements(def, { ...service, schedulingStrategy: 'DAEMON' }).strategy).toEqual([]);
      const given = [{ type: 'binpack', field: 'memory' }];
      expect(taskRequirements(def, { ...service, placementStrategy: given }).strategy).toEqual(given);

      const facts = instanceFactsLookup();
      const nodes = cis.map((ci) =>
        nodeOf(ContainerInstanceSchema.parse(containerInstanceShape(ci)), facts, new Map()),
      );
      const demand: Demand = { key: 'web', req, count: 6 };
      const plan = placeTasks([demand], nodes, { strategies: true, record: true });
      const azOf = new Map(cis.map((ci) => [ci.arn, ci.az]));
      const perAz = new Map<string, number>();
      for (const a of plan.assignments)
        perAz.set(azOf.get(a.nodeId)!, (perAz.get(azOf.get(a.nodeId)!) ?? 0) + 1);
      expect(Object.fromEntries(perAz)).toEqual({ 'us-east-1a': 3, 'us-east-1b': 3 });
    } finally {
      sim.dispose();
    }
  });
});
