/**
 * Tasks bound to Availability Zones (docs/placement.md): an `awsvpc` service's subnets bind its tasks to
 * their AZs (ECS creates the task ENI in a subnet of the host's AZ); a new instance may land in any AZ of
 * its group, a booting one is where it was launched.
 */
import { describe, expect, it } from 'vitest';
import { placeTasks, refusal, subnetZones, taskRequirements } from '../../../shared/core/placement/index.js';
import { parseSnapshot, ServiceSchema } from '../../../shared/core/snapshot/snapshot.js';
import { containerInstance, node, req, taskDef } from './builders.js';

const subnets = new Map([
  ['subnet-a1', 'us-east-1a'],
  ['subnet-b1', 'us-east-1b'],
]);

const api = (given: string[] | undefined, networkMode = 'awsvpc') =>
  taskRequirements(
    taskDef({ networkMode, cpu: 512 }),
    ServiceSchema.parse({
      serviceName: 'api',
      serviceArn: 'arn:aws:ecs:us-east-1:111122223333:service/c/api',
      status: 'ACTIVE',
      desiredCount: 2,
      ...(given ? { networkConfiguration: { awsvpcConfiguration: { subnets: given } } } : {}),
    }),
    [],
    subnets,
  );

describe('tasks bound to Availability Zones', () => {
  it("an awsvpc service's subnets give its zones; an unknown subnet, no subnets or bridge mode leave it unbound", () => {
    expect(api(['subnet-a1', 'subnet-b1', 'subnet-a1']).zones).toEqual(['us-east-1a', 'us-east-1b']);
    expect(api(['subnet-a1', 'subnet-x']).zones).toBeUndefined();
    expect(api(undefined).zones).toBeUndefined();
    expect(api(['subnet-a1'], 'bridge').zones).toBeUndefined();
  });

  it('a host outside those zones refuses the task (ATTRIBUTE), whatever its room; one inside takes it', () => {
    const r = api(['subnet-a1', 'subnet-b1']);
    expect(refusal(node({ az: 'us-east-1c' }), r)).toEqual({
      code: 'ATTRIBUTE',
      reason: 'its subnets are in us-east-1a, us-east-1b, the instance is in us-east-1c',
    });
    expect(refusal(node({ az: 'us-east-1b' }), r)).toBeUndefined();
  });

  it('a new instance takes it when one AZ it may land in is allowed; a booting one by its own AZ', () => {
    const r = api(['subnet-b1']);
    const fresh = { ...node({ id: 'new' }), availabilityZone: undefined, isNew: true };
    expect(refusal({ ...fresh, zones: ['us-east-1a', 'us-east-1b', 'us-east-1c'] }, r)).toBeUndefined();
    expect(refusal({ ...fresh, zones: ['us-east-1c'] }, r)?.reason).toBe(
      'its subnets are in us-east-1b, the instance launches in us-east-1c',
    );
    // Unknown AZs (a group whose AZs the snapshot does not list): not refused.
    expect(refusal(fresh, r)).toBeUndefined();
  });

  it('memberOf on the AZ: a new instance satisfies it when one of its AZs does', () => {
    const r = req({}, { memberOf: 'attribute:ecs.availability-zone == us-east-1b' });
    const fresh = { ...node({ id: 'new' }), availabilityZone: undefined, isNew: true };
    expect(refusal({ ...fresh, zones: ['us-east-1a', 'us-east-1b'] }, r)).toBeUndefined();
    expect(refusal({ ...fresh, zones: ['us-east-1a', 'us-east-1c'] }, r)?.code).toBe('MemberOf');
    expect(refusal(node({ az: 'us-east-1a' }), r)?.code).toBe('MemberOf');
    expect(refusal(node({ az: 'us-east-1b' }), r)).toBeUndefined();
  });

  describe("a group's launches land where its AZ balancing puts them (sizing: `balance`)", () => {
    const AZS = ['us-east-1a', 'us-east-1b', 'us-east-1c'];
    /** A template of a group with `counts` members in us-east-1a/b/c. */
    const template = (counts: number[]) => ({
      ...node({ id: 'new:m6g.large', cpu: 2048, memory: 8192 }),
      availabilityZone: undefined,
      isNew: true,
      zones: AZS,
      zoneCounts: { group: 'g1', counts },
    });
    const inB = req(
      { cpu: 2048, memory: 3072 },
      { memberOf: 'attribute:ecs.availability-zone == us-east-1b' },
    );
    const anywhere = req({ cpu: 2048, memory: 3072 });
    const zonesOf = (r: ReturnType<typeof placeTasks>) => r.newInstances.map((n) => n.node.zones?.join());

    it('a task bound to the fullest AZ opens the launches the other AZs take first (random world 282092)', () => {
      // us-east-1b holds 8 members, 1a none, 1c one: the group launches in 1a and 1c until they catch
      // up; a tie is taken to go against the task (the ASG's tie-break is not documented).
      const r = placeTasks([{ key: 's0', req: inB, count: 1 }], [], {
        templates: [template([0, 8, 1])],
        balance: true,
      });
      expect(r.unplaced).toEqual([]);
      expect(r.newInstances).toHaveLength(18);
      expect(zonesOf(r).filter((z) => z === 'us-east-1b')).toEqual(['us-east-1b']);
      expect(zonesOf(r).at(-1)).toBe('us-east-1b');
      // Without `balance` (a count of copies per instance), one new instance of any AZ.
      const plain = placeTasks([{ key: 's0', req: inB, count: 1 }], [], { templates: [template([0, 8, 1])] });
      expect(plain.newInstances).toHaveLength(1);
    });

    it('a task that may go anywhere takes the launches in order; a bound one then uses the one in its AZ', () => {
      const r = placeTasks(
        [
          { key: 'web', req: anywhere, count: 2 },
          { key: 's0', req: inB, count: 1 },
        ],
        [],
        { templates: [template([1, 1, 1])], balance: true },
      );
      expect(r.unplaced).toEqual([]);
      // web: 1a, then 1b (ties in the group's order). Counts 2, 2, 1: s0 opens 1c (the least), then a tie
      // of three, taken against it: 1a, 1c; then 1b is the least.
      expect(zonesOf(r)).toEqual([
        'us-east-1a',
        'us-east-1b',
        'us-east-1c',
        'us-east-1a',
        'us-east-1c',
        'us-east-1b',
      ]);
    });

    it('stops at maxNew: the task stays unplaced (max-instances) when its AZ is not reached', () => {
      const r = placeTasks([{ key: 's0', req: inB, count: 1 }], [], {
        templates: [template([0, 4, 0])],
        maxNew: 3,
        balance: true,
      });
      expect(r.unplaced.map((u) => [u.count, u.reason])).toEqual([[1, 'max-instances']]);
    });
  });

  it("subnet AZs come from the instances' ecs.subnet-id and the awsvpc tasks' ENI subnets", () => {
    const snapshot = parseSnapshot({
      version: 1,
      capturedAt: '2026-12-05T10:00:00Z',
      cluster: { clusterName: 'c', clusterArn: 'arn:aws:ecs:us-east-1:1:cluster/c' },
      containerInstances: [
        containerInstance({ id: 'a', az: 'us-east-1a', attributes: { 'ecs.subnet-id': 'subnet-a1' } }),
        containerInstance({ id: 'b', az: 'us-east-1b' }),
      ],
      services: [],
      taskDefinitions: [],
      autoScalingGroups: [],
      tasks: [
        {
          taskArn: 'arn:aws:ecs:us-east-1:1:task/c/t1',
          taskDefinitionArn: 'arn:aws:ecs:us-east-1:1:task-definition/api:1',
          availabilityZone: 'us-east-1c',
          attachments: [
            { type: 'ElasticNetworkInterface', details: [{ name: 'subnetId', value: 'subnet-task-c' }] },
          ],
        },
      ],
    });
    expect([...subnetZones(snapshot)]).toEqual([
      ['subnet-a1', 'us-east-1a'],
      ['subnet-task-c', 'us-east-1c'],
    ]);
  });
});
