import { DescribeInstanceTypesCommand, EC2Client, type InstanceTypeInfo } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { clearInstanceTypeCache, describeInstanceTypes } from '../../../shared/aws/instance-types.js';
import { AwsRejectedError, TransientAwsError } from '../../../shared/core/errors.js';
import { factsFromInstanceTypeInfo } from '../../../shared/core/placement/index.js';

const info = (t: string): InstanceTypeInfo =>
  ({
    InstanceType: t,
    VCpuInfo: { DefaultVCpus: 2 },
    MemoryInfo: { SizeInMiB: 8192 },
    ProcessorInfo: { SupportedArchitectures: [t.includes('g.') ? 'arm64' : 'x86_64'] },
    NetworkInfo: { MaximumNetworkInterfaces: 3 },
  }) as InstanceTypeInfo;

const ec2 = mockClient(EC2Client);
const client = new EC2Client({ region: 'us-east-1' });

beforeEach(() => {
  ec2.reset();
  clearInstanceTypeCache();
});

describe('describeInstanceTypes', () => {
  it('asks at most 100 types per call and reads each type once per warm container', async () => {
    const types = Array.from({ length: 250 }, (_, k) => `m${k}.large`);
    ec2.on(DescribeInstanceTypesCommand).callsFake((input: { InstanceTypes: string[] }) => ({
      InstanceTypes: input.InstanceTypes.map(info),
    }));
    const first = await describeInstanceTypes(client, [...types, ...types.slice(0, 10)]);
    expect(first).toHaveLength(250);
    const sizes = ec2
      .commandCalls(DescribeInstanceTypesCommand)
      .map((c) => c.args[0].input.InstanceTypes?.length);
    expect(sizes).toEqual([100, 100, 50]);
    await describeInstanceTypes(client, types.slice(0, 120));
    expect(ec2.commandCalls(DescribeInstanceTypesCommand)).toHaveLength(3);
  });

  it('follows NextToken', async () => {
    ec2
      .on(DescribeInstanceTypesCommand)
      .resolvesOnce({ InstanceTypes: [info('m5.large')], NextToken: 'p2' })
      .resolvesOnce({ InstanceTypes: [info('m6g.large')] });
    const out = await describeInstanceTypes(client, ['m5.large', 'm6g.large']);
    expect(out.map((i) => i.InstanceType)).toEqual(['m5.large', 'm6g.large']);
    expect(ec2.commandCalls(DescribeInstanceTypesCommand)[1]!.args[0].input.NextToken).toBe('p2');
  });

  it('asks one by one when EC2 rejects the batch for one unknown name, and remembers the unknown', async () => {
    ec2.on(DescribeInstanceTypesCommand).callsFake((input: { InstanceTypes: string[] }) => {
      if (input.InstanceTypes.includes('x9.huge')) {
        throw Object.assign(new Error('The following supplied instance types do not exist: [x9.huge]'), {
          name: 'InvalidInstanceType',
          $fault: 'client',
        });
      }
      return { InstanceTypes: input.InstanceTypes.map(info) };
    });
    const out = await describeInstanceTypes(client, ['m5.large', 'x9.huge']);
    expect(out.map((i) => i.InstanceType)).toEqual(['m5.large']);
    const calls = ec2.commandCalls(DescribeInstanceTypesCommand).length;
    await describeInstanceTypes(client, ['x9.huge']);
    expect(ec2.commandCalls(DescribeInstanceTypesCommand)).toHaveLength(calls);
  });

  it('never sends a malformed name', async () => {
    ec2.on(DescribeInstanceTypesCommand).resolves({ InstanceTypes: [] });
    await describeInstanceTypes(client, ['', 'not a type', '(unknown type)']);
    expect(ec2.commandCalls(DescribeInstanceTypesCommand)).toHaveLength(0);
  });

  it('translates throttling and a missing permission', async () => {
    ec2
      .on(DescribeInstanceTypesCommand)
      .rejects(Object.assign(new Error('slow down'), { name: 'RequestLimitExceeded', $fault: 'client' }));
    await expect(describeInstanceTypes(client, ['m5.large'])).rejects.toBeInstanceOf(TransientAwsError);
    ec2.reset();
    ec2
      .on(DescribeInstanceTypesCommand)
      .rejects(Object.assign(new Error('no'), { name: 'UnauthorizedOperation' }));
    const denied = describeInstanceTypes(client, ['m5.large']);
    await expect(denied).rejects.toBeInstanceOf(AwsRejectedError);
    await expect(denied).rejects.toThrow(/grant ec2:DescribeInstanceTypes/);
  });

  it('gives the placement model its facts (trunk limit from the ECS table)', async () => {
    ec2.on(DescribeInstanceTypesCommand).resolves({ InstanceTypes: [info('m5.large')] });
    const [item] = await describeInstanceTypes(client, ['m5.large']);
    expect(factsFromInstanceTypeInfo(item!)).toMatchObject({
      vcpu: 2,
      memoryMiB: 8192,
      architectures: ['x86_64'],
      maxEnis: 3,
      trunkEnis: 10,
      source: 'DescribeInstanceTypes',
    });
  });
});
