/**
 * The function bundles' stand-in for `@aws-sdk/client-application-auto-scaling` (aliased by
 * scripts/build.mjs for the Lambda bundles only): the readers (scaling-readers.ts,
 * service-scaling-reader.ts) call DescribeScalableTargets, DescribeScalingPolicies and ListTagsForResource.
 * AWS JSON 1.1, `X-Amz-Target: AnyScaleFrontendService.<Operation>`, signing name
 * `application-autoscaling`, `AWS_ENDPOINT_URL_APPLICATION_AUTO_SCALING`; `CreationTime` becomes a Date.
 * Protocol, signing, errors and retries: json-client.ts.
 */
import type {
  DescribeScalableTargetsCommandInput,
  DescribeScalableTargetsCommandOutput,
  DescribeScalingPoliciesCommandInput,
  DescribeScalingPoliciesCommandOutput,
  ListTagsForResourceCommandInput,
  ListTagsForResourceCommandOutput,
} from '@aws-sdk/client-application-auto-scaling';
import { type JsonClientConfig, JsonCommand, JsonServiceClient } from './json-client.js';

export class DescribeScalableTargetsCommand extends JsonCommand<
  DescribeScalableTargetsCommandInput,
  DescribeScalableTargetsCommandOutput
> {
  readonly operation = 'DescribeScalableTargets';
}
export class DescribeScalingPoliciesCommand extends JsonCommand<
  DescribeScalingPoliciesCommandInput,
  DescribeScalingPoliciesCommandOutput
> {
  readonly operation = 'DescribeScalingPolicies';
}
export class ListTagsForResourceCommand extends JsonCommand<
  ListTagsForResourceCommandInput,
  ListTagsForResourceCommandOutput
> {
  readonly operation = 'ListTagsForResource';
}

export class ApplicationAutoScalingClient extends JsonServiceClient {
  constructor(config: JsonClientConfig = {}) {
    super(
      {
        signingName: 'application-autoscaling',
        endpointPrefix: 'application-autoscaling',
        envSuffix: 'APPLICATION_AUTO_SCALING',
        target: 'AnyScaleFrontendService',
        jsonVersion: '1.1',
        timestamps: ['CreationTime'],
      },
      config,
    );
  }
}
