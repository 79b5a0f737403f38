/**
 * The simulator routes events by the project's own serverless.yml: every function loads from its
 * TypeScript source, with the EventBridge patterns (CloudFormation `Ref: AWS::AccountId` resolved) and
 * schedules that will be deployed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createSim, type Sim } from '../../sim/index.js';

let sim: Sim | undefined;
afterEach(() => {
  sim?.dispose();
  sim = undefined;
});

describe('simulator routing from serverless.yml', () => {
  it('loads the four functions with resolved account filters and the one-minute schedules', async () => {
    sim = createSim({ seed: 7 });
    const out = await sim.loadServerless('serverless.yml');
    expect(out.loaded.sort()).toEqual([
      'capacity-report',
      'cluster-scaler',
      'instance-drainer',
      'service-scaler',
    ]);
    expect(out.skipped).toEqual([]);
    const fn = (name: string) => sim!.lambdas.functions.get(name)!;
    const patterns = (name: string) => fn(name).patterns ?? [];
    expect(fn('cluster-scaler').scheduleRateSeconds).toBe(60);
    expect(fn('instance-drainer').scheduleRateSeconds).toBe(60);
    expect(patterns('capacity-report')).toEqual([]);
    for (const name of ['cluster-scaler', 'instance-drainer', 'service-scaler']) {
      expect(patterns(name).length).toBeGreaterThan(0);
      for (const pattern of patterns(name)) expect(pattern.account).toEqual(['123456789012']);
    }
    expect(patterns('instance-drainer').map((p) => p['detail-type'])).toContainEqual([
      'EC2 Instance-terminate Lifecycle Action',
    ]);
  });
});
