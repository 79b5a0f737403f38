/**
 * A common real layout: the scaler drives one group, an ECS capacity provider with managed scaling another
 * (a batch pool), and a service runs on the provider's strategy. `ecs-autoscaler snapshot` reads only the
 * groups tagged for the scaler, so `simulate` had no group for the provider: its service's new tasks waited
 * under every policy, said by a note. Now `snapshot` records the providers' own groups (`providerGroups`),
 * the seeding creates them with their providers, and the capacity-provider model (ECS's managed scaling)
 * drives them under every policy, on the tasks of the provider's strategy only.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../cli/main.js';
import { parseSnapshot } from '../../shared/core/snapshot/snapshot.js';
import { createCapacityProvider } from '../../sim/coexist.js';
import type { Sim } from '../../sim/index.js';
import { type PolicyName, runWorld } from '../../sim/replay/replay.js';
import { buildSnapshotWorld } from '../../sim/replay/snapshot-world.js';
import type { Trace } from '../../sim/traces/trace.js';
import { CLUSTER, fleetWorld } from './fleet-world.js';

let recorded: Sim | undefined;
afterEach(() => recorded?.dispose());

const record = async (): Promise<string> => {
  recorded = fleetWorld([
    { name: 'mine', min: 1, max: 10, desired: 2, instanceTypes: ['m5.large'] },
    { name: 'batch', min: 0, max: 10, desired: 1, instanceTypes: ['c5.large'], tags: {} },
  ]);
  // The batch group is the provider's, not this scaler's: no drain hook, and (a misconfiguration seen in
  // real accounts) tagged for the scaler of another cluster.
  const batch = recorded.asg.groups.get('batch')!;
  batch.tags.set('ecs-autoscaler:cluster', { value: 'other-cluster', propagateAtLaunch: false });
  batch.hooks.length = 0;
  createCapacityProvider(recorded.ecs, recorded.asg, {
    name: 'batch-cp',
    cluster: CLUSTER,
    autoScalingGroup: 'batch',
    managedScaling: true,
    managedTerminationProtection: false,
  });
  recorded.createService({
    cluster: CLUSTER,
    name: 'web',
    taskDefinition: 'web',
    desiredCount: 2,
    launchType: 'EC2',
  });
  recorded.createService({
    cluster: CLUSTER,
    name: 'jobs',
    taskDefinition: 'web',
    desiredCount: 1,
    capacityProviderStrategy: [{ capacityProvider: 'batch-cp' }],
  });
  recorded.install();
  await recorded.runFor(300);
  const file = join(mkdtempSync(join(tmpdir(), 'providers-')), 'snap.json');
  const err: string[] = [];
  const code = await runCli(['node', 'ecs-autoscaler', 'snapshot', '--cluster', CLUSTER, '--out', file], {
    stdout: () => undefined,
    stderr: (t) => err.push(t),
    stdoutIsTTY: false,
    stderrIsTTY: false,
  });
  expect([code, err.join('')]).toEqual([0, expect.stringContaining('wrote')]);
  recorded.dispose();
  recorded = undefined;
  return file;
};

describe('simulate on a cluster with a capacity provider of its own group', () => {
  it('records the provider group and grows it for the provider service under every policy', async () => {
    const snap = parseSnapshot(JSON.parse(readFileSync(await record(), 'utf8')));
    expect(snap.autoScalingGroups.map((g) => g.AutoScalingGroupName)).toEqual(['mine']);
    expect(snap.providerGroups?.map((g) => g.AutoScalingGroupName)).toEqual(['batch']);
    // Twenty minutes in, jobs wants 6 tasks of 1,024 CPU units: five more c5.large on the provider's group.
    const trace: Trace = {
      name: 'jobs-grow',
      durationSeconds: 3 * 3600,
      points: [
        { t: 0, desired: {} },
        { t: 1200, desired: { jobs: 6 } },
      ],
    };
    for (const policy of ['ecs-autoscaler', 'capacity-provider', 'threshold-alarms'] as PolicyName[]) {
      const world = buildSnapshotWorld(snap, policy, 1);
      expect([policy, world.notes]).toEqual([policy, []]);
      const run = await runWorld(world, trace, policy);
      expect([policy, run.errors]).toEqual([policy, []]);
      const last = run.samples.at(-1)!;
      expect([policy, last.running.jobs, last.running.web]).toEqual([policy, 6, 2]);
      // Jobs waited only for the provider's instances to boot, never for the rest of the day.
      expect([policy, run.violations.filter((v) => v.message.includes('jobs'))]).toEqual([policy, []]);
    }
  }, 300_000);
});
