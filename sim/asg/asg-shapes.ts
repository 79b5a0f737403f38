/** Auto Scaling API response shapes (Dates as `Date`, like the SDK). */
import { simSubnet } from '../core/subnets.js';
import type { SimAsg, SimAsgInstance } from './model.js';

const launchTemplate = (g: SimAsg, version: string) => ({
  LaunchTemplateId: g.launchTemplate.id,
  LaunchTemplateName: g.launchTemplate.name,
  Version: version,
});

/** DescribeAutoScalingGroups `Instances[]` item. */
export const groupInstanceShape = (i: SimAsgInstance) => ({
  InstanceId: i.id,
  InstanceType: i.type.name,
  AvailabilityZone: i.az,
  LifecycleState: i.lifecycleState,
  HealthStatus: i.health,
  LaunchTemplate: launchTemplate(i.group, i.launchTemplateVersion),
  ProtectedFromScaleIn: i.protectedFromScaleIn,
  ...(i.group.mixed?.weighted ? { WeightedCapacity: String(i.weight) } : {}),
});

/** MixedInstancesPolicy as DescribeAutoScalingGroups returns it. */
const mixedShape = (g: SimAsg) =>
  g.mixed
    ? {
        MixedInstancesPolicy: {
          LaunchTemplate: {
            LaunchTemplateSpecification: launchTemplate(g, g.launchTemplate.version),
            Overrides: g.mixed.requirements
              ? g.mixed.requirements.map((r) => ({
                  InstanceRequirements: {
                    VCpuCount: { Min: r.vcpu.min, ...(r.vcpu.max !== undefined ? { Max: r.vcpu.max } : {}) },
                    MemoryMiB: {
                      Min: r.memoryMiB.min,
                      ...(r.memoryMiB.max !== undefined ? { Max: r.memoryMiB.max } : {}),
                    },
                    ...(r.acceleratorCount
                      ? {
                          AcceleratorCount: {
                            ...(r.acceleratorCount.min !== undefined ? { Min: r.acceleratorCount.min } : {}),
                            ...(r.acceleratorCount.max !== undefined ? { Max: r.acceleratorCount.max } : {}),
                          },
                        }
                      : {}),
                    ...(r.onDemandMaxPricePercent !== undefined
                      ? { OnDemandMaxPricePercentageOverLowestPrice: r.onDemandMaxPricePercent }
                      : {}),
                  },
                }))
              : g.mixed.overrides.map((o) => ({
                  InstanceType: o.type.name,
                  ...(g.mixed!.weighted ? { WeightedCapacity: String(o.weight) } : {}),
                })),
          },
          InstancesDistribution: {
            OnDemandAllocationStrategy: g.mixed.strategy,
            OnDemandBaseCapacity: 0,
            OnDemandPercentageAboveBaseCapacity: g.mixed.onDemandPercentAboveBase,
            SpotAllocationStrategy: 'lowest-price',
          },
        },
        ...(g.mixed.desiredCapacityType
          ? { DesiredCapacityType: g.mixed.desiredCapacityType }
          : g.mixed.weighted
            ? { DesiredCapacityType: 'units' }
            : {}),
      }
    : { LaunchTemplate: launchTemplate(g, g.launchTemplate.version) };

/** DescribeAutoScalingGroups item. */
export const groupShape = (g: SimAsg) => ({
  AutoScalingGroupName: g.name,
  AutoScalingGroupARN: g.arn,
  ...mixedShape(g),
  MinSize: g.min,
  MaxSize: g.max,
  DesiredCapacity: g.desired,
  DefaultCooldown: 300,
  AvailabilityZones: [...g.azs],
  LoadBalancerNames: [],
  TargetGroupARNs: [],
  HealthCheckType: 'EC2',
  HealthCheckGracePeriod: 300,
  // Warm-pool instances are listed by DescribeWarmPool only (ecs-facts §4.3).
  Instances: [...g.instances.values()]
    .filter((i) => !i.lifecycleState.startsWith('Warmed'))
    .map(groupInstanceShape),
  ...(g.warmPool
    ? {
        WarmPoolConfiguration: {
          MinSize: g.warmPool.minSize,
          PoolState: 'Stopped',
          InstanceReusePolicy: { ReuseOnScaleIn: g.warmPool.reuseOnScaleIn },
        },
        WarmPoolSize: [...g.instances.values()].filter((i) => i.lifecycleState.startsWith('Warmed')).length,
      }
    : {}),
  CreatedTime: new Date(g.createdAt),
  // AWS words the reason "User suspended at <ISO time>" (DescribeAutoScalingGroups example).
  SuspendedProcesses: [...g.suspended].map(([ProcessName, at]) => ({
    ProcessName,
    SuspensionReason: `User suspended at ${new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z')}`,
  })),
  VPCZoneIdentifier: g.azs.map(simSubnet).join(','),
  EnabledMetrics: [],
  Tags: [...g.tags.entries()].map(([Key, t]) => ({
    ResourceId: g.name,
    ResourceType: 'auto-scaling-group',
    Key,
    Value: t.value,
    PropagateAtLaunch: t.propagateAtLaunch,
  })),
  TerminationPolicies: ['Default'],
  NewInstancesProtectedFromScaleIn: g.newInstancesProtectedFromScaleIn,
  CapacityRebalance: g.capacityRebalance,
  TrafficSources: [],
});

/** DescribeAutoScalingInstances item (HealthStatus is upper case in this API). */
export const instanceDetailShape = (i: SimAsgInstance) => ({
  InstanceId: i.id,
  InstanceType: i.type.name,
  AutoScalingGroupName: i.group.name,
  AvailabilityZone: i.az,
  LifecycleState: i.lifecycleState,
  HealthStatus: i.health.toUpperCase(),
  LaunchTemplate: launchTemplate(i.group, i.launchTemplateVersion),
  ProtectedFromScaleIn: i.protectedFromScaleIn,
});

/** TerminateInstanceInAutoScalingGroup `Activity`. */
export const activityShape = (i: SimAsgInstance, activityId: string, nowMs: number) => ({
  ActivityId: activityId,
  AutoScalingGroupName: i.group.name,
  Description: `Terminating EC2 instance: ${i.id}`,
  Cause: i.terminationCause ?? '',
  StartTime: new Date(nowMs),
  StatusCode: 'InProgress',
  Progress: 0,
  Details: JSON.stringify({ Subnet: simSubnet(i.az), 'Availability Zone': i.az }),
});
