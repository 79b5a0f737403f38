/**
 * The simulator's DeregisterContainerInstance (ECS API reference): refused while tasks run unless forced;
 * the container instance is INACTIVE at once (out of ListContainerInstances, still described), takes no
 * task again, and its orphaned service tasks are started elsewhere; the EC2 instance stays in its Auto
 * Scaling group, InService, as before (deregistering does not terminate it).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Sim } from '../../../sim/index.js';
import { twoHosts } from './two-hosts.js';

let sim: Sim | undefined;
afterEach(() => {
  sim?.dispose();
  sim = undefined;
});

const setup = (desiredCount: number) =>
  twoHosts(11, [{ name: 'web', desiredCount, placementStrategy: [{ type: 'spread', field: 'instanceId' }] }]);

const instances = (s: Sim) => [...s.asg.groups.get('g')!.instances.values()];
const liveOn = (s: Sim, arn: string) =>
  [...s.ecs.cluster('c')!.tasks.values()].filter((t) => t.instance.arn === arn && t.lastStatus !== 'STOPPED')
    .length;
const listed = async (s: Sim) =>
  ((await s.call('ecs', 'ListContainerInstances', { cluster: 'c' })) as { containerInstanceArns: string[] })
    .containerInstanceArns;

describe('sim: DeregisterContainerInstance', () => {
  it('refuses an instance with running tasks without force, and changes nothing', async () => {
    sim = await setup(4);
    const ci = instances(sim)[0]!.containerInstance!;
    expect(liveOn(sim, ci.arn)).toBe(2);
    await expect(
      sim.call('ecs', 'DeregisterContainerInstance', { cluster: 'c', containerInstance: ci.arn }),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
    expect(ci.status).toBe('ACTIVE');
    expect(liveOn(sim, ci.arn)).toBe(2);
    expect(await listed(sim)).toContain(ci.arn);
  });

  it('forced: INACTIVE at once, its tasks run elsewhere, the EC2 instance stays InService in its group', async () => {
    sim = await setup(4);
    const [a, b] = instances(sim);
    const ci = a!.containerInstance!;
    await sim.call('ecs', 'DeregisterContainerInstance', {
      cluster: 'c',
      containerInstance: ci.arn,
      force: true,
    });
    expect(ci.status).toBe('INACTIVE');
    expect(await listed(sim)).not.toContain(ci.arn);
    const described = (await sim.call('ecs', 'DescribeContainerInstances', {
      cluster: 'c',
      containerInstances: [ci.arn],
    })) as { containerInstances: { status: string }[] };
    expect(described.containerInstances[0]!.status).toBe('INACTIVE');
    await sim.runFor(120);
    expect(liveOn(sim, ci.arn)).toBe(0);
    expect(liveOn(sim, b!.containerInstance!.arn)).toBe(4);
    const g = (await sim.call('autoscaling', 'DescribeAutoScalingGroups', {
      AutoScalingGroupNames: ['g'],
    })) as { AutoScalingGroups: { Instances: { InstanceId: string; LifecycleState: string }[] }[] };
    expect(g.AutoScalingGroups[0]!.Instances).toContainEqual(
      expect.objectContaining({ InstanceId: a!.id, LifecycleState: 'InService' }),
    );
    expect(a!.ec2State).toBe('running');
  });

  it('an idle instance needs no force, and takes no task again', async () => {
    sim = await setup(1);
    const idle = instances(sim).find((i) => liveOn(sim!, i.containerInstance!.arn) === 0)!;
    const ci = idle.containerInstance!;
    await sim.call('ecs', 'DeregisterContainerInstance', { cluster: 'c', containerInstance: ci.id });
    expect(ci.status).toBe('INACTIVE');
    await sim.call('ecs', 'UpdateService', { cluster: 'c', service: 'web', desiredCount: 3 });
    await sim.runFor(120);
    expect(liveOn(sim, ci.arn)).toBe(0);
    await expect(
      sim.call('ecs', 'DeregisterContainerInstance', { cluster: 'c', containerInstance: ci.arn }),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
  });
});
