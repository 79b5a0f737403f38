/**
 * EC2 Auto Scaling and EC2 EventBridge payloads, shaped like AWS's examples in
 * shared/reference/aws-events (lifecycle action, terminate successful, Spot warning, rebalance).
 */
import { eventTime } from '../core/context.js';
import { simSubnet } from '../core/subnets.js';
import type { SimAsgInstance } from './model.js';

/** `detail` of "EC2 Instance-terminate Lifecycle Action". */
export const terminateLifecycleDetail = (
  i: SimAsgInstance,
  hookName: string,
  token: string,
  metadata?: string,
) => ({
  LifecycleActionToken: token,
  AutoScalingGroupName: i.group.name,
  LifecycleHookName: hookName,
  EC2InstanceId: i.id,
  LifecycleTransition: 'autoscaling:EC2_INSTANCE_TERMINATING',
  ...(metadata !== undefined ? { NotificationMetadata: metadata } : {}),
  Origin: 'AutoScalingGroup',
  Destination: 'EC2',
});

/** `detail` of "EC2 Instance Terminate Successful" / "EC2 Instance Launch Successful". */
export const activityDetail = (
  i: SimAsgInstance,
  kind: 'launch' | 'terminate',
  activityId: string,
  startMs: number,
  endMs: number,
) => ({
  StatusCode: 'InProgress',
  Description: `${kind === 'launch' ? 'Launching a new' : 'Terminating'} EC2 instance: ${i.id}`,
  AutoScalingGroupName: i.group.name,
  ActivityId: activityId,
  Details: { 'Availability Zone': i.az, 'Subnet ID': simSubnet(i.az) },
  RequestId: activityId,
  StatusMessage: '',
  EndTime: eventTime(endMs),
  EC2InstanceId: i.id,
  StartTime: eventTime(startMs),
  Cause:
    i.terminationCause ??
    'An instance was started in response to a difference between desired and actual capacity.',
  Origin: kind === 'launch' ? 'EC2' : 'AutoScalingGroup',
  Destination: kind === 'launch' ? 'AutoScalingGroup' : 'EC2',
});

/** ARN of an instance as the Spot warning prints it (AZ in place of the region, no account). */
export const spotInstanceArn = (i: SimAsgInstance): string => `arn:aws:ec2:${i.az}:instance/${i.id}`;
