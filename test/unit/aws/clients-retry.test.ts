import { describe, expect, it } from 'vitest';
import { readerClients, SDK_RETRY_SETTINGS } from '../../../shared/aws/clients.js';

describe('SDK retry settings (issue 15)', () => {
  it('creates the reader clients with adaptive retry and three attempts, chosen on purpose', async () => {
    const clients = readerClients('eu-west-3');
    for (const client of [clients.ecs, clients.autoScaling, clients.applicationAutoScaling!]) {
      expect(client.config.retryMode).toBe('adaptive');
      expect(await client.config.maxAttempts()).toBe(3);
    }
    expect(SDK_RETRY_SETTINGS).toEqual({ retryMode: 'adaptive', maxAttempts: 3 });
  });
});
