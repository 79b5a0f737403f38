/**
 * The simulator answers several reads without a copy, and the readers (jsonShaped) keep the parts of an
 * answer JSON carries unchanged instead of copying them: both are right only if no code changes an
 * answer it was given. Proof on the project's handlers: three simulated hours of `simulate` on the
 * bundled sample with every answer deep-frozen (any write to one throws in strict mode) run without a
 * failed invocation and give the same figures, actions and invocations as the run without freezing.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBundledFunctions } from '../../../cli/project-functions.js';
import type { ClusterSnapshot } from '../../../shared/core/snapshot/index.js';
import { runWorld } from '../../../sim/replay/replay.js';
import { buildSnapshotWorld, shapeTraceForSnapshot } from '../../../sim/replay/snapshot-world.js';
import { BUILTIN_TRACES } from '../../../sim/traces/builtin.js';

const HOURS = 3;

const run = async (freezeAnswers: boolean) => {
  const snapshot = JSON.parse(
    readFileSync('events/snapshots/sample-cluster.json', 'utf8'),
  ) as ClusterSnapshot;
  const day = shapeTraceForSnapshot(BUILTIN_TRACES.diurnal!(), snapshot);
  const trace = {
    ...day,
    durationSeconds: HOURS * 3600,
    points: day.points.filter((p) => p.t < HOURS * 3600),
  };
  const world = buildSnapshotWorld(snapshot, 'ecs-autoscaler', 1, { freezeAnswers });
  const result = await runWorld(world, trace, 'ecs-autoscaler');
  return { result, sim: world.sim };
};

describe('answers are never changed by the handlers', () => {
  beforeAll(() => {
    useBundledFunctions();
    process.env.AWS_REGION ??= 'us-east-1';
  });

  it('runs the project on deep-frozen answers with the same outcome', async () => {
    // The handlers keep warm-container caches (instance types, task definitions) across runs in one
    // process: a first run warms them, so that the two compared runs start alike.
    await run(false);
    const frozen = await run(true);
    const plain = await run(false);
    const failed = frozen.sim.invocations.filter((i) => i.outcome !== 'ok');
    expect(failed.map((i) => `${i.fn}: ${i.error}`)).toEqual([]);
    expect(frozen.result.errors).toEqual([]);
    // The run did read and act: handlers ran every minute and wrote to the world.
    expect(frozen.sim.invocations.length).toBeGreaterThan(HOURS * 60 * 2);
    expect(frozen.sim.timeline.actions.length).toBeGreaterThan(0);
    // Freezing is deep: a write anywhere in an answer throws.
    const answer = (await frozen.sim.call('ecs', 'DescribeClusters', { clusters: ['demo'] })) as {
      clusters: Array<{ status: string; tags: unknown[] }>;
    };
    expect(() => {
      answer.clusters[0]!.status = 'changed';
    }).toThrow(TypeError);
    expect(() => answer.clusters[0]!.tags.push('changed')).toThrow(TypeError);
    expect(frozen.result.figures).toEqual(plain.result.figures);
    expect(frozen.sim.timeline.actions).toEqual(plain.sim.timeline.actions);
    expect(frozen.sim.invocations.map((i) => [i.fn, i.t, i.outcome, i.result])).toEqual(
      plain.sim.invocations.map((i) => [i.fn, i.t, i.outcome, i.result]),
    );
  });
});
