import { describe, expect, it } from 'vitest';
import { renderCluster } from '../../../cli/render-table.js';
import { DEFAULT_CLUSTER_POLICY } from '../../../shared/core/cluster/policy.js';
import { buildClusterReport } from '../../../shared/core/report/report.js';
import { ago, fleetSnapshot, full, NOW } from './fleet-builders.js';

const WAIT = { tags: { 'ecs-autoscaler:last-scale-out': ago(3600) } };

describe('report: one section per group', () => {
  it('names each group, its types with weights and what a unit holds, and which group grows', () => {
    const snapshot = fleetSnapshot(
      [
        {
          name: 'asg-mixed',
          overrides: [
            { type: 'm5.xlarge', weight: 2 },
            { type: 'm5.large', weight: 1 },
          ],
          instances: full(3, 'm5.xlarge', 'a'),
          ...WAIT,
        },
        { name: 'asg-gpu', desired: 0, overrides: [{ type: 'g4dn.xlarge' }], instances: [], ...WAIT },
      ],
      [{ name: 'web', cpu: 1024, mem: 512, desired: 15, running: 12 }],
    );
    const report = buildClusterReport(snapshot, DEFAULT_CLUSTER_POLICY, NOW);
    expect(report.groups.map((g) => [g.autoScalingGroup, g.change, g.unit])).toEqual([
      ['asg-mixed', 'grows', 'units'],
      ['asg-gpu', 'holds', 'instances'],
    ]);
    const mixed = report.groups[0]!;
    expect(mixed.desiredCapacity).toEqual({ current: 6, proposed: 8 });
    expect(mixed.types.map((t) => [t.instanceType, t.weight])).toEqual([
      ['m5.xlarge', 2],
      ['m5.large', 1],
    ]);
    // m5.xlarge registers 4096 CPU units (the builder's figure): one unit of weight 2 holds 2048.
    expect(mixed.types[0]!.perUnit?.CPU).toBe(2048);
    const text = renderCluster(report, { wide: true });
    expect(text).toContain('Groups:');
    expect(text).toContain('asg-mixed: grows, desired 6 -> 8 units');
    expect(text).toContain('m5.xlarge weight 2: one unit holds CPU 2048');
  });
});
