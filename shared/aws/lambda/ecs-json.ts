/**
 * The function bundles' stand-in for `@aws-sdk/client-ecs` (aliased by scripts/build.mjs for the Lambda
 * bundles only; the CLI, the tests and the simulator use the real client): the 16 ECS commands the
 * functions send, over AWS JSON 1.1 (`X-Amz-Target: AmazonEC2ContainerServiceV20141113.<Operation>`,
 * signing name `ecs`, `AWS_ENDPOINT_URL_ECS`). ECS answers JSON whose shapes are the SDK's outputs except
 * for timestamps (epoch seconds), which become Dates here as in the SDK: the list below is every member
 * the SDK's ECS model types as a Date (test/unit/aws/json-stand-ins.test.ts checks it against the SDK's
 * types and compares outputs with the real client's). Protocol, signing, errors, retries: json-client.ts.
 */
import type {
  DeleteAttributesCommandInput,
  DeleteAttributesCommandOutput,
  DescribeCapacityProvidersCommandInput,
  DescribeCapacityProvidersCommandOutput,
  DescribeClustersCommandInput,
  DescribeClustersCommandOutput,
  DescribeContainerInstancesCommandInput,
  DescribeContainerInstancesCommandOutput,
  DescribeServicesCommandInput,
  DescribeServicesCommandOutput,
  DescribeTaskDefinitionCommandInput,
  DescribeTaskDefinitionCommandOutput,
  DescribeTasksCommandInput,
  DescribeTasksCommandOutput,
  GetTaskProtectionCommandInput,
  GetTaskProtectionCommandOutput,
  ListClustersCommandInput,
  ListClustersCommandOutput,
  ListContainerInstancesCommandInput,
  ListContainerInstancesCommandOutput,
  ListServicesCommandInput,
  ListServicesCommandOutput,
  ListTasksCommandInput,
  ListTasksCommandOutput,
  PutAttributesCommandInput,
  PutAttributesCommandOutput,
  TagResourceCommandInput,
  TagResourceCommandOutput,
  UpdateContainerInstancesStateCommandInput,
  UpdateContainerInstancesStateCommandOutput,
  UpdateServiceCommandInput,
  UpdateServiceCommandOutput,
} from '@aws-sdk/client-ecs';
import { type JsonClientConfig, JsonCommand, JsonServiceClient } from './json-client.js';

export class DeleteAttributesCommand extends JsonCommand<
  DeleteAttributesCommandInput,
  DeleteAttributesCommandOutput
> {
  readonly operation = 'DeleteAttributes';
}
export class DescribeCapacityProvidersCommand extends JsonCommand<
  DescribeCapacityProvidersCommandInput,
  DescribeCapacityProvidersCommandOutput
> {
  readonly operation = 'DescribeCapacityProviders';
}
export class DescribeClustersCommand extends JsonCommand<
  DescribeClustersCommandInput,
  DescribeClustersCommandOutput
> {
  readonly operation = 'DescribeClusters';
}
export class DescribeContainerInstancesCommand extends JsonCommand<
  DescribeContainerInstancesCommandInput,
  DescribeContainerInstancesCommandOutput
> {
  readonly operation = 'DescribeContainerInstances';
}
export class DescribeServicesCommand extends JsonCommand<
  DescribeServicesCommandInput,
  DescribeServicesCommandOutput
> {
  readonly operation = 'DescribeServices';
}
export class DescribeTaskDefinitionCommand extends JsonCommand<
  DescribeTaskDefinitionCommandInput,
  DescribeTaskDefinitionCommandOutput
> {
  readonly operation = 'DescribeTaskDefinition';
}
export class DescribeTasksCommand extends JsonCommand<DescribeTasksCommandInput, DescribeTasksCommandOutput> {
  readonly operation = 'DescribeTasks';
}
export class GetTaskProtectionCommand extends JsonCommand<
  GetTaskProtectionCommandInput,
  GetTaskProtectionCommandOutput
> {
  readonly operation = 'GetTaskProtection';
}
export class ListClustersCommand extends JsonCommand<ListClustersCommandInput, ListClustersCommandOutput> {
  readonly operation = 'ListClusters';
}
export class ListContainerInstancesCommand extends JsonCommand<
  ListContainerInstancesCommandInput,
  ListContainerInstancesCommandOutput
> {
  readonly operation = 'ListContainerInstances';
}
export class ListServicesCommand extends JsonCommand<ListServicesCommandInput, ListServicesCommandOutput> {
  readonly operation = 'ListServices';
}
export class ListTasksCommand extends JsonCommand<ListTasksCommandInput, ListTasksCommandOutput> {
  readonly operation = 'ListTasks';
}
export class PutAttributesCommand extends JsonCommand<PutAttributesCommandInput, PutAttributesCommandOutput> {
  readonly operation = 'PutAttributes';
}
export class TagResourceCommand extends JsonCommand<TagResourceCommandInput, TagResourceCommandOutput> {
  readonly operation = 'TagResource';
}
export class UpdateContainerInstancesStateCommand extends JsonCommand<
  UpdateContainerInstancesStateCommandInput,
  UpdateContainerInstancesStateCommandOutput
> {
  readonly operation = 'UpdateContainerInstancesState';
}
export class UpdateServiceCommand extends JsonCommand<UpdateServiceCommandInput, UpdateServiceCommandOutput> {
  readonly operation = 'UpdateService';
}

/** Every ECS model member typed as a Date (@aws-sdk/client-ecs dist-types/models). */
export const ECS_TIMESTAMPS = [
  'after',
  'before',
  'connectivityAt',
  'createdAt',
  'deleteRequestedAt',
  'deregisteredAt',
  'executionStoppedAt',
  'expirationDate',
  'expiresAt',
  'finishedAt',
  'lastStartedAt',
  'lastStatusChange',
  'lastUpdated',
  'pullStartedAt',
  'pullStoppedAt',
  'registeredAt',
  'stabilityStatusAt',
  'startedAt',
  'stoppedAt',
  'stoppingAt',
  'updatedAt',
] as const;

export class ECSClient extends JsonServiceClient {
  constructor(config: JsonClientConfig = {}) {
    super(
      {
        signingName: 'ecs',
        endpointPrefix: 'ecs',
        envSuffix: 'ECS',
        target: 'AmazonEC2ContainerServiceV20141113',
        jsonVersion: '1.1',
        timestamps: ECS_TIMESTAMPS,
      },
      config,
    );
  }
}
