/**
 * Issue 14, "must show": `ecs-autoscaler simulate` on a production-shaped snapshot with a foreign DRAINING
 * instance and a disconnected agent (events/snapshots/foreign-state-cluster.json) over the diurnal trace:
 * the scaler's instance-hours are no worse than the capacity-provider model's, and no job is killed.
 * Same code path as the CLI (cli/commands/simulate.ts).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { clearControllerCache } from '../../shared/aws/controller-readers.js';
import { parseSnapshot } from '../../shared/core/snapshot/index.js';
import { runWorld } from '../../sim/replay/replay.js';
import { buildSnapshotWorld, shapeTraceForSnapshot } from '../../sim/replay/snapshot-world.js';
import { BUILTIN_TRACES } from '../../sim/traces/builtin.js';

describe('simulate: foreign DRAINING + disconnected agent over a business day', () => {
  it('ends the day with fewer instance-hours than the capacity-provider model', async () => {
    const snapshot = parseSnapshot(
      JSON.parse(readFileSync('events/snapshots/foreign-state-cluster.json', 'utf8')),
      'foreign-state-cluster.json',
    );
    expect(snapshot.containerInstances.filter((c) => c.status === 'DRAINING')).toHaveLength(1);
    expect(snapshot.containerInstances.filter((c) => !c.agentConnected)).toHaveLength(1);
    const trace = shapeTraceForSnapshot(BUILTIN_TRACES.diurnal!(), snapshot);
    clearControllerCache();
    const project = await runWorld(
      buildSnapshotWorld(snapshot, 'ecs-autoscaler', 1),
      trace,
      'ecs-autoscaler',
    );
    const cp = await runWorld(
      buildSnapshotWorld(snapshot, 'capacity-provider', 1),
      trace,
      'capacity-provider',
    );
    expect(project.violations.filter((v) => v.kind === 'instance-terminated-with-tasks')).toEqual([]);
    expect(project.figures.instanceHours).toBeLessThanOrEqual(
      cp.figures.instanceHours ?? Number.POSITIVE_INFINITY,
    );
    // It does not end the day at MaxSize (the frozen scale-in did).
    const last = project.samples.at(-1)!;
    expect(last.desiredCapacity).toBeLessThan(snapshot.autoScalingGroups[0]!.MaxSize);
  }, 300_000);
});
