/**
 * The function bundles' stand-in for `@aws-sdk/client-ssm` (scripts/build.mjs aliases the package to this
 * module for the Lambda bundles only; the CLI, the tests and the simulator use the real client). The
 * functions make two SSM calls, GetParameter and PutParameter (the last-decision record,
 * decision-events.ts); the SDK client's model and ~500 error classes were 83 KiB of four bundles.
 * Protocol, signing, endpoint, errors and retries: json-client.ts.
 */
import type {
  GetParameterCommandInput,
  GetParameterCommandOutput,
  PutParameterCommandInput,
  PutParameterCommandOutput,
} from '@aws-sdk/client-ssm';
import { type JsonClientConfig, JsonCommand, JsonServiceClient, jsonServiceError } from './json-client.js';

export class GetParameterCommand extends JsonCommand<GetParameterCommandInput, GetParameterCommandOutput> {
  readonly operation = 'GetParameter';
}
export class PutParameterCommand extends JsonCommand<PutParameterCommandInput, PutParameterCommandOutput> {
  readonly operation = 'PutParameter';
}

export class SSMClient extends JsonServiceClient {
  constructor(config: JsonClientConfig = {}) {
    super(
      {
        signingName: 'ssm',
        endpointPrefix: 'ssm',
        envSuffix: 'SSM',
        target: 'AmazonSSM',
        jsonVersion: '1.1',
        timestamps: ['LastModifiedDate'],
        // PutParameter's concurrency throttle on one parameter.
        retryable: ['TooManyUpdates'],
      },
      config,
    );
  }
}

/** The error of a non-2xx SSM answer (kept for callers of the earlier stand-in). */
export const ssmError = (status: number, text: string, header?: string | null): Error =>
  jsonServiceError('AmazonSSM', status, text, { errorType: header ?? null });
