/**
 * Property: a placement computed by the core model is accepted, task by task, by the simulator's own
 * ECS placement rules (sim/ecs/placement.ts, written independently from AWS's documentation), and a task
 * the core finds no room for is refused by the simulator too. Both sides read the same API shapes: the
 * core parses the simulator's DescribeContainerInstances / DescribeTaskDefinition / DescribeServices
 * items, as the reader would.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Demand,
  instanceFactsLookup,
  nodeOf,
  placeTasks,
  subnetZones,
  taskRequirements,
} from '../../../shared/core/placement/index.js';
import {
  ContainerInstanceSchema,
  parseSnapshot,
  ServiceSchema,
  TaskDefinitionSchema,
} from '../../../shared/core/snapshot/snapshot.js';
import { simSubnetZone } from '../../../sim/core/subnets.js';
import { chooseInstance } from '../../../sim/ecs/placement.js';
import { containerInstanceShape } from '../../../sim/ecs/shapes.js';
import { createSim, instanceType, type SimTaskDefinition } from '../../../sim/index.js';

const TYPES = ['m5.large', 'm5.xlarge', 'c5.large', 'm6g.large', 't3.large'] as const;

const instanceArb = fc.record({
  type: fc.constantFrom(...TYPES),
  az: fc.constantFrom('us-east-1a', 'us-east-1b'),
  stack: fc.option(fc.constantFrom('prod', 'dev'), { nil: undefined }),
});

const taskArb = fc.record({
  cpu: fc.constantFrom(128, 256, 512, 1024),
  memory: fc.constantFrom(256, 512, 1024, 2048, 3072),
  network: fc.constantFrom('bridge', 'bridge', 'host', 'awsvpc'),
  tcp: fc.option(fc.constantFrom(80, 443, 8080), { nil: undefined }),
  udp: fc.option(fc.constantFrom(53, 8125), { nil: undefined }),
  arch: fc.option(fc.constantFrom('ARM64', 'X86_64'), { nil: undefined }),
  distinct: fc.boolean(),
  memberOf: fc.option(
    fc.constantFrom(
      'attribute:stack == prod',
      'attribute:ecs.instance-type =~ m5.*',
      'attribute:ecs.availability-zone in [us-east-1b]',
      'attribute:stack exists and attribute:ecs.availability-zone != us-east-1a',
      '(attribute:stack == dev) or attribute:ecs.instance-type == c5.large',
    ),
    { nil: undefined },
  ),
  count: fc.integer({ min: 1, max: 6 }),
  /** awsvpc: the service's subnets (the simulator's, one per AZ). */
  subnets: fc.option(
    fc.constantFrom(['subnet-a0000000'], ['subnet-b0000000'], ['subnet-a0000000', 'subnet-b0000000']),
    { nil: undefined },
  ),
  strategy: fc.constantFrom(
    [],
    [{ type: 'spread', field: 'attribute:ecs.availability-zone' }],
    [{ type: 'binpack', field: 'memory' }],
    [
      { type: 'spread', field: 'attribute:ecs.availability-zone' },
      { type: 'spread', field: 'instanceId' },
    ],
  ),
});

describe.each([
  ['first fit', false],
  ["with the services' strategies (spread, binpack)", true],
])('core placement vs the simulator, %s', (_name, strategies) => {
  it('every placement the core makes is one the simulator accepts; what the core leaves out, it refuses', () => {
    fc.assert(
      fc.property(
        fc.array(instanceArb, { minLength: 1, maxLength: 6 }),
        fc.array(taskArb, { minLength: 1, maxLength: 4 }),
        (instances, tasks) => {
          const sim = createSim({ seed: 1 });
          try {
            sim.createCluster('c');
            const cis = instances.map((spec, k) =>
              sim.ecs.registerContainerInstance({
                cluster: 'c',
                ec2InstanceId: `i-${k}`,
                instanceType: instanceType(spec.type),
                az: spec.az,
                ...(spec.stack ? { attributes: [{ name: 'stack', value: spec.stack }] } : {}),
              }),
            );
            const facts = instanceFactsLookup();
            const nodes = cis.map((ci) =>
              nodeOf(ContainerInstanceSchema.parse(containerInstanceShape(ci)), facts, new Map()),
            );
            const defs: SimTaskDefinition[] = [];
            // The core knows a subnet's AZ from the instances registered in it (the snapshot); a
            // subnet of an AZ with no instance leaves the service unbound (docs/placement.md), so the
            // draw keeps the subnets of the AZs the instances are in.
            const zonesIn = new Set<string>(instances.map((s) => s.az));
            const subnetsOf = (t: (typeof tasks)[number]) =>
              t.network === 'awsvpc'
                ? t.subnets?.filter((s) => zonesIn.has(simSubnetZone('us-east-1', s)!))
                : undefined;
            const known = subnetZones(
              parseSnapshot({
                version: 1,
                capturedAt: '2026-12-05T10:00:00Z',
                cluster: { clusterName: 'c', clusterArn: 'arn:aws:ecs:us-east-1:1:cluster/c' },
                containerInstances: cis.map((ci) => containerInstanceShape(ci)),
                services: [],
                taskDefinitions: [],
                autoScalingGroups: [],
              }),
            );
            const demands: Demand[] = tasks.map((t, i) => {
              const td = sim.registerTaskDefinition({
                family: `t${i}`,
                networkMode: t.network as 'bridge',
                containers: [
                  {
                    cpu: t.cpu,
                    memoryReservation: t.memory,
                    ...(t.tcp ? { hostPorts: [t.tcp] } : {}),
                    ...(t.udp ? { hostPortsUdp: [t.udp] } : {}),
                  },
                ],
                ...(t.arch ? { cpuArchitecture: t.arch as 'ARM64' } : {}),
              });
              defs.push(td);
              const service = ServiceSchema.parse({
                serviceName: `s${i}`,
                serviceArn: `arn:aws:ecs:us-east-1:1:service/c/s${i}`,
                status: 'ACTIVE',
                desiredCount: t.count,
                placementStrategy: t.strategy,
                placementConstraints: [
                  ...(t.distinct ? [{ type: 'distinctInstance' }] : []),
                  ...(t.memberOf ? [{ type: 'memberOf', expression: t.memberOf }] : []),
                ],
                ...(subnetsOf(t)?.length
                  ? { networkConfiguration: { awsvpcConfiguration: { subnets: subnetsOf(t) } } }
                  : {}),
              });
              return {
                key: String(i),
                req: taskRequirements(TaskDefinitionSchema.parse(td.raw), service, [], known),
                count: t.count,
              };
            });
            const plan = placeTasks(demands, nodes, { strategies, record: true });
            const request = (i: number) => ({
              reservation: defs[i]!.reservation,
              hostPorts: defs[i]!.hostPorts,
              hostPortsUdp: defs[i]!.hostPortsUdp,
              awsvpc: defs[i]!.awsvpc,
              requiresAttributes: defs[i]!.requiresAttributes,
              ...(defs[i]!.cpuArchitecture ? { cpuArchitecture: defs[i]!.cpuArchitecture } : {}),
              ...(subnetsOf(tasks[i]!)?.length
                ? { zones: new Set(subnetsOf(tasks[i]!)!.map((s) => simSubnetZone('us-east-1', s)!)) }
                : {}),
              group: `service:s${i}`,
              strategy: [],
              constraints: [
                ...(tasks[i]!.distinct ? [{ type: 'distinctInstance' as const }] : []),
                ...(tasks[i]!.memberOf
                  ? [{ type: 'memberOf' as const, expression: tasks[i]!.memberOf }]
                  : []),
              ],
            });
            for (const a of plan.assignments) {
              const i = Number(a.key);
              const ci = cis.find((c) => c.arn === a.nodeId)!;
              const choice = chooseInstance([ci], request(i), sim.ecs.ctx.rng);
              expect(
                choice.ok,
                `sim refuses ${a.key} on ${ci.instanceType}: ${choice.ok ? '' : choice.reason}`,
              ).toBe(true);
              sim.ecs.placeTask(ci, defs[i]!, { group: `service:s${i}` });
            }
            for (const u of plan.unplaced) {
              const choice = chooseInstance(cis, request(Number(u.key)), sim.ecs.ctx.rng);
              expect(choice.ok, `sim finds room for ${u.key} the core did not`).toBe(false);
            }
          } finally {
            sim.dispose();
          }
        },
      ),
      { numRuns: 150, seed: 12 },
    );
  });
});

describe('core placement vs the simulator: a DRAINING instance’s tasks in the AZ spread', () => {
  it('both put the replacement in the AZ the draining task does not count in', () => {
    // i-0 (1a) drains with a web task; i-1 (1a) and i-2 (1c) take tasks. The simulator balances the AZs
    // over every instance that is not INACTIVE; the core's scale-in check passes the instances that leave
    // as `leaving` (twelfth stop, random world 15827). Without them the two AZs tie and the core takes i-1.
    const sim = createSim({ seed: 3 });
    try {
      sim.createCluster('c');
      const cis = (['us-east-1a', 'us-east-1a', 'us-east-1c'] as const).map((az, k) =>
        sim.ecs.registerContainerInstance({
          cluster: 'c',
          ec2InstanceId: `i-${k}`,
          instanceType: instanceType('m5.large'),
          az,
        }),
      );
      const td = sim.registerTaskDefinition({
        family: 'web',
        containers: [{ cpu: 256, memoryReservation: 512 }],
      });
      sim.ecs.placeTask(cis[0]!, td, { group: 'service:web' });
      cis[0]!.status = 'DRAINING';
      const spread = [{ type: 'spread' as const, field: 'attribute:ecs.availability-zone' }];
      const choice = chooseInstance(
        cis,
        {
          reservation: td.reservation,
          hostPorts: td.hostPorts,
          hostPortsUdp: td.hostPortsUdp,
          awsvpc: td.awsvpc,
          requiresAttributes: td.requiresAttributes,
          group: 'service:web',
          strategy: spread,
          constraints: [],
        },
        sim.ecs.ctx.rng,
      );
      expect(choice.ok && choice.instance.ec2InstanceId).toBe('i-2');

      const facts = instanceFactsLookup();
      const [draining, ...staying] = cis.map((ci, k) =>
        nodeOf(
          ContainerInstanceSchema.parse(containerInstanceShape(ci)),
          facts,
          new Map(k === 0 ? [['service:web', 1]] : []),
        ),
      );
      const service = ServiceSchema.parse({
        serviceName: 'web',
        serviceArn: 'arn:aws:ecs:us-east-1:1:service/c/web',
        status: 'ACTIVE',
        desiredCount: 1,
        placementStrategy: spread,
      });
      const demand = {
        key: 'w',
        req: taskRequirements(TaskDefinitionSchema.parse(td.raw), service),
        count: 1,
      };
      const where = (leaving: typeof staying) =>
        placeTasks([demand], staying, { record: true, leaving }).assignments.map((a) => a.nodeId);
      expect(where([draining!])).toEqual([cis[2]!.arn]);
      expect(where([])).toEqual([cis[1]!.arn]);
    } finally {
      sim.dispose();
    }
  });
});
