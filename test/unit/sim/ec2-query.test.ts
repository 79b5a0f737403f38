/**
 * The simulator answers the project's DescribeInstanceTypes, which is a signed EC2 Query request over
 * `fetch` (shared/aws/instance-types.ts), not an SDK command: the snapshot read through the real reader
 * carries the simulator's instance-type facts, and the call is recorded under `ec2`.
 */
import { DescribeInstanceTypesCommand, DescribeLaunchTemplateVersionsCommand } from '@aws-sdk/client-ec2';
import { afterEach, describe, expect, it } from 'vitest';
import { clearInstanceTypeCache } from '../../../shared/aws/instance-types.js';
import { clearLaunchTemplateCache } from '../../../shared/aws/launch-templates.js';
import { readClusterSnapshot } from '../../../shared/aws/snapshot-reader.js';
import { ec2QueryError, ec2QueryResponse, parseEc2Query } from '../../../sim/ec2/ec2-query.js';
import { createSim, type Sim } from '../../../sim/index.js';

let sim: Sim | undefined;
afterEach(() => {
  sim?.dispose();
  sim = undefined;
  clearInstanceTypeCache();
  clearLaunchTemplateCache();
});

describe('EC2 Query protocol in the simulator', () => {
  it('parses the form body into the SDK input', () => {
    expect(
      parseEc2Query(
        'Action=DescribeInstanceTypes&Version=2016-11-15&InstanceType.2=m6g.large&InstanceType.1=m5.large&NextToken=t',
      ),
    ).toEqual({
      action: 'DescribeInstanceTypes',
      input: { InstanceTypes: ['m5.large', 'm6g.large'], NextToken: 't' },
    });
    expect(parseEc2Query('Action=ListQueues&Version=2012-11-05')).toBeUndefined();
  });

  it('writes the documented XML shapes', () => {
    const xml = ec2QueryResponse('DescribeInstanceTypes', {
      InstanceTypes: [{ InstanceType: 'g4dn.xlarge', GpuInfo: { Gpus: [{ Count: 1 }] } }],
    });
    expect(xml).toContain('<DescribeInstanceTypesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">');
    expect(xml).toContain(
      '<instanceTypeSet><item><instanceType>g4dn.xlarge</instanceType><gpuInfo><gpus><item><count>1</count></item></gpus></gpuInfo></item></instanceTypeSet>',
    );
    expect(ec2QueryError('InvalidInstanceType', 'a < b')).toContain(
      '<Errors><Error><Code>InvalidInstanceType</Code><Message>a &lt; b</Message></Error></Errors>',
    );
  });

  it("gives the real snapshot reader the simulator's instance types", async () => {
    const s = createSim({ seed: 1 });
    sim = s;
    s.createCluster('prod');
    s.createAutoScalingGroup({
      name: 'prod-asg',
      cluster: 'prod',
      min: 0,
      max: 4,
      desired: 2,
      mixedInstances: { overrides: [{ type: 'm5.large' }, { type: 'm6g.large' }] },
      tags: { 'ecs-autoscaler:cluster': 'prod' },
    });
    const mocks = s.install();
    const snapshot = await readClusterSnapshot('prod');
    expect(snapshot.instanceTypes?.map((i) => (i as { InstanceType?: string }).InstanceType).sort()).toEqual([
      'm5.large',
      'm6g.large',
    ]);
    expect(
      snapshot.instanceTypes?.find((i) => (i as { InstanceType?: string }).InstanceType === 'm6g.large'),
    ).toMatchObject({
      VCpuInfo: { DefaultVCpus: 2 },
      MemoryInfo: { SizeInMiB: 8192 },
      ProcessorInfo: { SupportedArchitectures: ['arm64'] },
    });
    expect(mocks.ec2.commandCalls(DescribeInstanceTypesCommand).map((c) => c.args[0].input)).toEqual([
      { InstanceTypes: ['m5.large', 'm6g.large'] },
    ]);
  });

  it("gives the real snapshot reader a plain group's launch template, and its type's facts", async () => {
    const s = createSim({ seed: 1 });
    sim = s;
    s.createCluster('prod');
    const g = s.createAutoScalingGroup({
      name: 'zero',
      cluster: 'prod',
      min: 0,
      max: 4,
      desired: 0,
      instanceTypes: ['c5.large'],
      tags: { 'ecs-autoscaler:cluster': 'prod' },
    });
    const mocks = s.install();
    const snapshot = await readClusterSnapshot('prod');
    expect(snapshot.launchTemplateVersions).toEqual([
      {
        LaunchTemplateId: g.launchTemplate.id,
        LaunchTemplateName: 'zero-lt',
        VersionNumber: 1,
        DefaultVersion: true,
        // Its user data joins the cluster and names no custom attribute: known to be none.
        LaunchTemplateData: { InstanceType: 'c5.large', EcsInstanceAttributes: {} },
      },
    ]);
    expect(mocks.ec2.commandCalls(DescribeLaunchTemplateVersionsCommand).map((c) => c.args[0].input)).toEqual(
      [{ LaunchTemplateId: g.launchTemplate.id, Versions: ['1'] }],
    );
    // No instance runs c5.large: its facts come from the template's type.
    expect(snapshot.instanceTypes?.map((i) => (i as { InstanceType?: string }).InstanceType)).toEqual([
      'c5.large',
    ]);
    await expect(
      s.call('ec2', 'DescribeLaunchTemplateVersions', { LaunchTemplateId: 'lt-nope', Versions: ['1'] }),
    ).rejects.toMatchObject({ name: 'InvalidLaunchTemplateId.NotFound' });
    await expect(
      s.call('ec2', 'DescribeLaunchTemplateVersions', {
        LaunchTemplateId: g.launchTemplate.id,
        Versions: ['9'],
      }),
    ).rejects.toMatchObject({ name: 'InvalidLaunchTemplateId.VersionNotFound' });
  });
});
