/**
 * The scale-in check's fast binpack path (CPU/memory only, `binpack` on memory for every moved task)
 * checks both orders ECS may place the moved services in, as the general path does (placement-context.ts).
 *
 * Recorded from the fault matrix (`own-drain-max-time`, partial failures, seed 11): two instances could
 * go — one running an `api` task (1,024 CPU units), one running three `web` tasks (512 each) — with one
 * `api` task of headroom. Largest first, the api task takes the fullest host with room and the webs fit
 * beside the headroom; but ECS started the webs first, binpacked them onto the hosts the api task needed,
 * the api task took the last room the headroom had, and the scaler scaled out again a minute after it
 * terminated both hosts (a reversal).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { scaleCluster } from '../../../functions/cluster-scaler/scale-cluster.js';
import { DEFAULT_CLUSTER_POLICY } from '../../../shared/core/cluster/policy.js';
import { parseSnapshot, type Task } from '../../../shared/core/snapshot/index.js';

const recorded = JSON.parse(
  readFileSync(new URL('./fixtures/fault-own-drain-max-time-11.json', import.meta.url), 'utf8'),
) as { snapshot: unknown; tasks: Task[] };

describe('scale-in check, binpack fast path', () => {
  it('drains only what keeps the headroom when the smaller moved tasks are placed first', async () => {
    const snapshot = parseSnapshot(structuredClone(recorded.snapshot));
    const decision = await scaleCluster(
      'faults',
      {
        readSnapshot: async () => structuredClone(snapshot),
        readTasks: async (_cluster, arns) =>
          recorded.tasks.filter((t) => arns.includes(t.containerInstanceArn ?? '')),
        writer: {} as never,
      },
      { dryRun: true, defaults: DEFAULT_CLUSTER_POLICY },
      () => new Date(Date.parse(snapshot.capturedAt) + 200),
    );
    // The api host goes (its task binpacks onto the 1a host; the m5.xlarge keeps the headroom); the
    // web host stays: with it too, whichever service ECS starts first, no room is left for the headroom.
    expect(decision.plan.action).toBe('scale-in');
    expect(decision.plan.drain.map((d) => d.ec2InstanceId)).toEqual(['i-6d0dfe1cf6c2af2c1']);
  });
});
