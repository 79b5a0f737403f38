/**
 * `ECS_RESERVED_MEMORY` in a group's user data (ECS developer guide, "Reserving Amazon ECS Linux container
 * instance memory"): every instance the group launches registers that many MiB less memory, and the
 * launch template's user data says so.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { instanceType } from '../../../sim/ecs/resources.js';
import { createSim, type Sim } from '../../../sim/index.js';

let sim: Sim | undefined;
afterEach(() => {
  sim?.dispose();
  sim = undefined;
});

describe('sim: ECS_RESERVED_MEMORY', () => {
  it('instances register the reserved MiB less, and a task that needs them waits', async () => {
    const s = createSim({ seed: 3 });
    sim = s;
    s.createCluster('c');
    const full = instanceType('m5.large').memory;
    s.registerTaskDefinition({ family: 'big', containers: [{ cpu: 512, memoryReservation: full - 256 }] });
    const g = s.createAutoScalingGroup({
      name: 'g',
      cluster: 'c',
      min: 0,
      max: 2,
      desired: 0,
      instanceTypes: ['m5.large'],
      agentReservedMemory: 512,
    });
    s.createService({ cluster: 'c', name: 'big', taskDefinition: 'big', desiredCount: 1 });
    s.install();
    s.start();
    await s.call('autoscaling', 'SetDesiredCapacity', { AutoScalingGroupName: 'g', DesiredCapacity: 1 });
    await s.runFor(300);
    const ci = [...g.instances.values()][0]!.containerInstance!;
    expect(ci.registered.memory).toBe(full - 512);
    expect([...ci.tasks].filter((t) => t.lastStatus !== 'STOPPED')).toHaveLength(0);
    const lt = (await s.call('ec2', 'DescribeLaunchTemplateVersions', {
      LaunchTemplateId: g.launchTemplate.id,
      Versions: ['1'],
    })) as { LaunchTemplateVersions: { LaunchTemplateData: { UserData: string } }[] };
    const userData = Buffer.from(
      lt.LaunchTemplateVersions[0]!.LaunchTemplateData.UserData,
      'base64',
    ).toString();
    expect(userData).toContain('ECS_RESERVED_MEMORY=512');
  });
});
