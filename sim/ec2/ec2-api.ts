/**
 * Simulated EC2, only what the autoscaler reads: DescribeInstanceTypes for the simulator's instance-type
 * table (sim/ecs/resources.ts), and DescribeLaunchTemplateVersions for the groups' launch templates
 * (EC2 API reference: one template by `LaunchTemplateId` or `LaunchTemplateName`, `Versions` numbers or
 * `$Latest` / `$Default`; unknown → `InvalidLaunchTemplateId.NotFound` /
 * `InvalidLaunchTemplateName.NotFoundException`, a version it lacks → `InvalidLaunchTemplateId.VersionNotFound`).
 * Each simulated group has one template with one version, the default, whose `InstanceType` is the
 * group's instance type (an attribute-based group's template names none, nor does that of a plain group
 * given several types to launch in turn — the simulator's shorthand, not an AWS shape). Shapes follow the EC2 API reference (`InstanceTypeInfo`: `VCpuInfo`,
 * `MemoryInfo.SizeInMiB`, `ProcessorInfo.SupportedArchitectures`, `GpuInfo.Gpus[].Count`,
 * `NetworkInfo.MaximumNetworkInterfaces`); at most 100 `InstanceTypes` per call, an unknown name rejects
 * the whole call with InvalidInstanceType, as EC2 does.
 */
import type {
  DescribeInstanceTypesCommandInput,
  DescribeLaunchTemplateVersionsCommandInput,
} from '@aws-sdk/client-ec2';
import type { AsgWorld } from '../asg/asg-world.js';
import { awsError } from '../core/aws-error.js';
import { type CommandTable, command } from '../core/registry.js';
import { SIM_VPC, simSubnetZone } from '../core/subnets.js';
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

/** The command table (service `ec2`); launch templates are the groups' of `asg`. */
export const ec2Api = (asg?: AsgWorld, region = 'us-east-1'): CommandTable => ({
  // The simulator's subnets (one per AZ, sim/core/subnets.ts); EC2 rejects the call when one is unknown.
  DescribeSubnets: command<{ SubnetIds?: string[] }>((i) => {
    const ids = i.SubnetIds ?? [];
    const unknown = ids.filter((id) => !simSubnetZone(region, id));
    if (unknown.length > 0) {
      throw awsError('ec2', 'InvalidSubnetID.NotFound', `The subnet ID '${unknown[0]}' does not exist`);
    }
    return {
      Subnets: ids.map((id) => ({
        SubnetId: id,
        AvailabilityZone: simSubnetZone(region, id),
        VpcId: SIM_VPC,
        State: 'available',
      })),
    };
  }),
  DescribeLaunchTemplateVersions: command<DescribeLaunchTemplateVersionsCommandInput>((i) => {
    const byId = i.LaunchTemplateId;
    const byName = i.LaunchTemplateName;
    if ((byId === undefined) === (byName === undefined)) {
      throw awsError(
        'ec2',
        'MissingParameter',
        'The request must contain exactly one of LaunchTemplateId or LaunchTemplateName.',
      );
    }
    const group = [...(asg?.groups.values() ?? [])].find((g) =>
      byId !== undefined ? g.launchTemplate.id === byId : g.launchTemplate.name === byName,
    );
    if (!group) {
      throw byId !== undefined
        ? awsError(
            'ec2',
            'InvalidLaunchTemplateId.NotFound',
            `The specified launch template, with template ID ${byId}, does not exist.`,
          )
        : awsError(
            'ec2',
            'InvalidLaunchTemplateName.NotFoundException',
            `The specified launch template, with template name ${byName}, does not exist.`,
          );
    }
    const number = /^\d+$/.test(group.launchTemplate.version) ? Number(group.launchTemplate.version) : 1;
    const asked = (i.Versions as string[] | undefined) ?? [String(number)];
    for (const v of asked) {
      if (v !== '$Latest' && v !== '$Default' && v !== String(number)) {
        throw awsError(
          'ec2',
          'InvalidLaunchTemplateId.VersionNotFound',
          `Could not find launch template version ${v} for template ${group.launchTemplate.id}.`,
        );
      }
    }
    // A plain group given several types (launched in turn) is the simulator's own shorthand, not an AWS
    // shape (a launch template names one type): its template names none, as for attribute-based groups,
    // so what it launches is read from its instances.
    const first = group.mixed
      ? group.mixed.overrides[0]?.type
      : group.instanceTypes.length === 1
        ? group.instanceTypes[0]
        : undefined;
    const abis = group.mixed?.requirements !== undefined;
    // The user data of an ECS launch template (ECS developer guide, "Bootstrapping container instances with
    // Amazon EC2 user data"): the cluster to join and the agent's custom attributes, base64 as EC2 returns it.
    const script = [
      '#!/bin/bash',
      `echo ECS_CLUSTER=${group.cluster ?? 'default'} >> /etc/ecs/ecs.config`,
      ...(group.agentAttributes
        ? [`echo 'ECS_INSTANCE_ATTRIBUTES=${JSON.stringify(group.agentAttributes)}' >> /etc/ecs/ecs.config`]
        : []),
      ...(group.agentReservedMemory
        ? [`echo ECS_RESERVED_MEMORY=${group.agentReservedMemory} >> /etc/ecs/ecs.config`]
        : []),
    ].join('\n');
    return {
      LaunchTemplateVersions: [
        {
          LaunchTemplateId: group.launchTemplate.id,
          LaunchTemplateName: group.launchTemplate.name,
          VersionNumber: number,
          DefaultVersion: true,
          LaunchTemplateData: {
            ...(first && !abis ? { InstanceType: first.name } : {}),
            UserData: Buffer.from(script).toString('base64'),
          },
        },
      ],
    };
  }),
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
