/**
 * The function bundles' stand-in for `@aws-sdk/client-eventbridge` (aliased by scripts/build.mjs for the
 * Lambda bundles only): the functions make one EventBridge call, PutEvents of a decision event
 * (decision-events.ts). AWS JSON 1.1, `X-Amz-Target: AWSEvents.PutEvents`, signing name `events`,
 * `AWS_ENDPOINT_URL_EVENTBRIDGE`. Protocol, signing, errors and retries: json-client.ts.
 */
import type { PutEventsCommandInput, PutEventsCommandOutput } from '@aws-sdk/client-eventbridge';
import { type JsonClientConfig, JsonCommand, JsonServiceClient } from './json-client.js';

export class PutEventsCommand extends JsonCommand<PutEventsCommandInput, PutEventsCommandOutput> {
  readonly operation = 'PutEvents';
}

export class EventBridgeClient extends JsonServiceClient {
  constructor(config: JsonClientConfig = {}) {
    super(
      {
        signingName: 'events',
        endpointPrefix: 'events',
        envSuffix: 'EVENTBRIDGE',
        target: 'AWSEvents',
        jsonVersion: '1.1',
      },
      config,
    );
  }
}
