/**
 * The issue-12 snapshots in events/snapshots/placement-*.json (recorded from the simulator through the
 * real reader) give the right decision, and the report says why in words.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildReport } from '../../../shared/core/report/index.js';
import { parseSnapshot } from '../../../shared/core/snapshot/snapshot.js';

const load = (name: string) => {
  const file = `events/snapshots/placement-${name}.json`;
  const snapshot = parseSnapshot(JSON.parse(readFileSync(file, 'utf8')), file);
  const report = buildReport([{ snapshot }], new Date(snapshot.capturedAt));
  return report.clusters[0]!;
};

describe('issue-12 snapshots', () => {
  it.each([
    ['static-port', 6, /host port 80\/tcp is already in use/],
    ['eni', 5, /task ENI: 0 free on m5\.large \(no ENI trunking\)/],
    ['distinct-instance', 5, /distinctInstance: a task of service:cache already runs here/],
  ])('%s: scales out to exactly %i and names the refusing rule', (name, proposed, why) => {
    const c = load(name);
    expect(c.decision.action).toBe('scale-out');
    expect(c.decision.desiredCapacity.proposed).toBe(proposed);
    const w = c.waitingTasks.find((x) => x.kind === 'needs-capacity');
    expect(w?.refusals.map((r) => r.reason).join('; ')).toMatch(why);
  });

  it('two groups with a host-port service: the cheaper group grows by the placement model', () => {
    const c = load('two-groups');
    expect(c.decision.action).toBe('scale-out');
    // 3 of 6 tasks wait, host port 80 taken on all 3 instances: 3 new c5.large ($0.085/h), not m5.large.
    expect(c.decision.desiredCapacity).toEqual({ current: 1, proposed: 4 });
    expect(c.decision.reasons.join('\n')).toMatch(/prod-c5: the placement model .* needs 3 new c5\.large/);
    const w = c.waitingTasks.find((x) => x.kind === 'needs-capacity');
    expect(w?.reason).toMatch(/a new m5\.large or c5\.large takes them/);
    expect(w?.refusals.map((r) => r.reason).join('; ')).toMatch(/host port 80\/tcp is already in use/);
  });

  it('arm64 in an x86 group: unplaceable with the architecture named, idle instances may go', () => {
    const c = load('arm64');
    const arm = c.waitingTasks.find((w) => w.service === 'arm');
    expect(arm).toMatchObject({ kind: 'unplaceable', count: 2 });
    expect(arm?.refusals.map((r) => `${r.instanceClass}: ${r.reason}`).join('; ')).toMatch(
      /new m5\.large: needs CPU architecture arm64, the instance is x86_64/,
    );
    expect(c.decision.action).toBe('scale-in');
    expect(c.removability.filter((r) => r.removable).length).toBeGreaterThanOrEqual(2);
  });

  it('crash loop: reported with ECS event, not bought for, idle instances may go', () => {
    const c = load('crash-loop');
    const crashy = c.waitingTasks.find((w) => w.service === 'crashy');
    expect(crashy?.kind).toBe('crash-loop');
    expect(crashy?.ecsSays).toMatch(/unable to consistently start tasks/);
    expect(c.decision.action).toBe('scale-in');
  });
});
