/**
 * The report shows the scaler's last decision per cluster (docs/observability.md "Status"): read with
 * one GetParameter per cluster (here from the simulated SSM), "none recorded yet" without one.
 */
import { SSMClient } from '@aws-sdk/client-ssm';
import { afterEach, describe, expect, it } from 'vitest';
import { loadSnapshotFile } from '../../../cli/load-snapshot.js';
import { renderReport } from '../../../cli/render-table.js';
import { readLastDecision } from '../../../shared/aws/decision-events.js';
import type { ClusterPlan } from '../../../shared/core/cluster/index.js';
import { clusterDecisionEvent, lastDecisionValue } from '../../../shared/core/decision/index.js';
import { buildReport } from '../../../shared/core/report/index.js';
import { createSim, type Sim } from '../../../sim/index.js';
import { emptyPlan } from '../planner/builders.js';

let sim: Sim | undefined;
afterEach(() => {
  sim?.dispose();
  sim = undefined;
});

const world = (): Sim => {
  const w = createSim({ seed: 3 });
  w.install();
  sim = w;
  return w;
};

/** The sample snapshot's cluster with the last decision read from SSM, as readReportInputs does. */
const inputsWithLastDecision = async () => {
  const snapshot = await loadSnapshotFile('events/snapshots/sample-cluster.json');
  const cluster = snapshot.cluster.clusterName;
  return { snapshot, lastDecision: (await readLastDecision(new SSMClient({}), { cluster })) ?? null };
};

const held: ClusterPlan = emptyPlan({
  capacityDeficitInstances: 2,
  limits: { min: 1, max: 4 },
  reasons: [
    'first-fit placement needs 2 more instance(s)',
    'the group is at its MaxSize 4: raise MaxSize to add capacity',
  ],
});

describe('report: last decision', () => {
  it('shows the recorded decision with its guard, capacity and reasons', async () => {
    const w = world();
    const { snapshot } = await inputsWithLastDecision();
    const event = clusterDecisionEvent(
      { ...held, cluster: snapshot.cluster.clusterName },
      new Date('2026-12-03T03:00:00.000Z'),
    )!;
    await w.call('ssm', 'PutParameter', {
      Name: `/ecs-autoscaler/${snapshot.cluster.clusterName}/last-decision`,
      Value: lastDecisionValue(event),
      Type: 'String',
    });
    const report = buildReport([await inputsWithLastDecision()], new Date('2026-12-03T03:05:00.000Z'));
    expect(report.clusters[0]!.lastDecision).toMatchObject({
      kind: 'cluster-hold',
      guard: 'max-size',
      decidedAt: '2026-12-03T03:00:00.000Z',
      desired: { current: 4, proposed: 4 },
    });
    // Lines may wrap at the terminal width: compare with whitespace collapsed.
    const text = renderReport(report).replace(/\s+/g, ' ');
    expect(text).toContain(
      'Last decision: 2026-12-03T03:00:00.000Z ECS Autoscaler Cluster Scaling Held (max-size) 4 -> 4',
    );
    expect(text).toContain('the group is at its MaxSize 4');
  });

  it('says none was recorded yet, and leaves it out when not read', async () => {
    world();
    const read = buildReport([await inputsWithLastDecision()], new Date());
    expect(read.clusters[0]!.lastDecision).toBeNull();
    expect(renderReport(read).replace(/\s+/g, ' ')).toContain('Last decision: none recorded yet');
    const unread = buildReport([{ snapshot: (await inputsWithLastDecision()).snapshot }], new Date());
    expect(unread.clusters[0]!).not.toHaveProperty('lastDecision');
    expect(renderReport(unread)).not.toContain('Last decision');
  });
});
