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
  it('loads the five functions with resolved account filters, the one-minute schedules and the cluster queue', async () => {
    sim = createSim({ seed: 7 });
    const out = await sim.loadServerless('serverless.yml');
    expect(out.loaded.sort()).toEqual([
      'capacity-report',
      'cluster-dispatcher',
      'cluster-scaler',
      'instance-drainer',
      'service-scaler',
    ]);
    expect(out.skipped).toEqual([]);
    const fn = (name: string) => sim!.lambdas.functions.get(name)!;
    const patterns = (name: string) => fn(name).patterns ?? [];
    expect(fn('cluster-dispatcher').scheduleRateSeconds).toBe(60);
    expect(fn('instance-drainer').scheduleRateSeconds).toBe(60);
    expect(patterns('capacity-report')).toEqual([]);
    for (const name of ['cluster-dispatcher', 'instance-drainer', 'service-scaler']) {
      expect(patterns(name).length).toBeGreaterThan(0);
      for (const pattern of patterns(name)) expect(pattern.account).toEqual(['123456789012']);
    }
    // The cluster scaler consumes the FIFO cluster queue; the dispatcher and the service scaler get its URL.
    const queue = [...sim.sqs.queues.values()].find((q) => q.spec.fifo && q.spec.redrive);
    expect(queue?.spec.redrive?.maxReceiveCount).toBe(3);
    expect(sim.eventSources.mappings.map((m) => [m.spec.functionName, m.queue.url])).toEqual([
      ['cluster-scaler', queue!.url],
    ]);
    expect(fn('cluster-dispatcher').environment?.CLUSTER_QUEUE_URL).toBe(queue!.url);
    expect(fn('service-scaler').environment?.CLUSTER_QUEUE_URL).toBe(queue!.url);
    expect(patterns('instance-drainer').map((p) => p['detail-type'])).toContainEqual([
      'EC2 Instance-terminate Lifecycle Action',
    ]);
  });
});
