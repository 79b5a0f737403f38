/** Public entry point of the simulator (see sim/README.md). */
export type { ScalableTargetSpec, SimScalableTarget } from './aas/aas.js';
export type { AsgSpec } from './asg/asg-world.js';
export type { LifecycleHookSpec, SimAsg, SimAsgInstance } from './asg/model.js';
export {
  awsError,
  type SdkLikeError,
  SimNotImplementedError,
  type SimServiceName,
} from './core/aws-error.js';
export { defaultSettings, type SimSettings, type Violation } from './core/context.js';
export type { RunTaskOptions } from './ecs/ecs-api-write.js';
export type { ServiceSpec } from './ecs/ecs-world.js';
export type {
  DeploymentControllerType,
  SimCluster,
  SimContainerInstance,
  SimService,
  SimTask,
  SimTaskDefinition,
  SimTaskSet,
} from './ecs/model.js';
export {
  type ContainerSpec,
  type InstanceTypeSpec,
  instanceType,
  type TaskDefinitionSpec,
} from './ecs/resources.js';
export type { TaskSetSpec } from './ecs/task-sets.js';
export {
  type FunctionRegistration,
  type InvocationRecord,
  type SimEvent,
  SimInvocationKilled,
  type SimLambdaContext,
} from './events/lambdas.js';
export { matchesPattern } from './events/pattern.js';
export type { ApiFault, EventFault, InvocationFault } from './faults.js';
export { type DemandItem, lowerBound, type TimelineSample } from './observe/timeline.js';
export type { SdkMocks } from './sdk/intercept.js';
export { createSim, Sim, type SimOptions } from './sim.js';
