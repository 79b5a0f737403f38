/**
 * Simulated EC2, only what the autoscaler reads: DescribeInstanceTypes for the simulator's instance-type
 * table (sim/ecs/resources.ts). Shapes follow the EC2 API reference (`InstanceTypeInfo`: `VCpuInfo`,
 * `MemoryInfo.SizeInMiB`, `ProcessorInfo.SupportedArchitectures`, `GpuInfo.Gpus[].Count`,
 * `NetworkInfo.MaximumNetworkInterfaces`); at most 100 `InstanceTypes` per call, an unknown name rejects
 * the whole call with InvalidInstanceType, as EC2 does.
 */
import type { DescribeInstanceTypesCommandInput } from '@aws-sdk/client-ec2';
import { awsError } from '../core/aws-error.js';
import { type CommandTable, command } from '../core/registry.js';
import { instanceTypeFacts, instanceTypeNames } from '../ecs/resources.js';

const info = (type: string) => {
  const f = instanceTypeFacts(type)!;
  return {
    InstanceType: type,
    CurrentGeneration: true,
    VCpuInfo: { DefaultVCpus: f.vcpu },
    MemoryInfo: { SizeInMiB: f.memoryMiB },
    ProcessorInfo: { SupportedArchitectures: [f.arch] },
    ...(f.gpus > 0 ? { GpuInfo: { Gpus: [{ Count: f.gpus }] } } : {}),
    NetworkInfo: {
      MaximumNetworkInterfaces: f.enis ?? 2,
      MaximumNetworkCards: 1,
    },
  };
};

/** The command table (service `ec2`). */
export const ec2Api = (): CommandTable => ({
  DescribeInstanceTypes: command<DescribeInstanceTypesCommandInput>((i) => {
    const asked = (i.InstanceTypes as string[] | undefined) ?? instanceTypeNames();
    if (asked.length > 100) {
      throw awsError('ec2', 'InvalidParameterValue', 'The maximum number of instance types is 100.');
    }
    const unknown = asked.filter((t) => !instanceTypeFacts(t));
    if (unknown.length > 0) {
      throw awsError(
        'ec2',
        'InvalidInstanceType',
        `The following supplied instance types do not exist: [${unknown.join(', ')}]`,
      );
    }
    return { InstanceTypes: asked.map(info) };
  }),
});
