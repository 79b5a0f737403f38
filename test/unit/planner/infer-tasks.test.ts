/**
 * Issue 19 follow-up: an unread instance's tasks inferred from its task count and reserved resources
 * (infer-tasks.ts), so the count of removable instances is not held back by the assumed-largest sizing;
 * a drain still waits for the instance's list.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzeCapacity } from '../../../shared/core/capacity/capacity.js';
import { DEFAULT_CLUSTER_POLICY, planCluster } from '../../../shared/core/cluster/index.js';
import { combinations, inferInstanceTasks, type TaskKind } from '../../../shared/core/cluster/infer-tasks.js';
import { type ClusterSpec, ciArn, NOW, snapshotOf, taskOn } from './builders.js';

const r = (CPU: number, MEMORY: number, GPU = 0) => ({ CPU, MEMORY, GPU });
const WEB: TaskKind = { service: 'web', daemon: false, size: r(512, 1024) };
const API: TaskKind = { service: 'api', daemon: false, size: r(1024, 2048) };
const WORKER: TaskKind = { service: 'worker', daemon: false, size: r(256, 3072) };
const LOG: TaskKind = { service: 'log-agent', daemon: true, size: r(128, 256) };

describe('combinations', () => {
  it('finds the only combination of n tasks adding up to the reservation, daemons at most once', () => {
    // 3 web + 1 api + the log agent: 5 tasks, 2,688 CPU, 5,376 MiB.
    expect(combinations([WEB, API, WORKER, LOG], 5, r(2688, 5376))).toEqual([[3, 1, 0, 1]]);
    // No combination adds up to a reservation no sizes make; a daemon runs at most once.
    expect(combinations([WEB, API, WORKER, LOG], 5, r(2600, 5120))).toEqual([]);
    expect(combinations([WEB, LOG], 2, r(256, 512))).toEqual([]);
  });

  it('reports two combinations when the counts cannot tell them apart, and gives up past its budget', () => {
    // Two sums coincide: a (100, 300) + b (300, 100) = 2 × c (200, 200).
    const a: TaskKind = { service: 'a', daemon: false, size: r(100, 300) };
    const b: TaskKind = { service: 'b', daemon: false, size: r(300, 100) };
    const c: TaskKind = { service: 'c', daemon: false, size: r(200, 200) };
    expect(combinations([a, b, c], 2, r(400, 400))).toHaveLength(2);
    expect(inferInstanceTasks([a, b, c], { runningTasks: 2, pendingTasks: 0, reserved: r(400, 400) })).toBe(
      undefined,
    );
    expect(combinations([a, b, c], 40, r(8000, 8000), 50)).toBeUndefined();
  });

  it('never returns a combination that does not add up (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 4 }), fc.boolean()), { minLength: 1, maxLength: 4 }),
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 4, maxLength: 4 }),
        (sizes, counts) => {
          const kinds: TaskKind[] = sizes.map(([s, daemon], i) => ({
            service: `s${i}`,
            daemon,
            size: r(128 * (s + 1), 256 * (4 - s + 1)),
          }));
          const truth = kinds.map((k, i) => (k.daemon ? Math.min(1, counts[i]!) : counts[i]!));
          const n = truth.reduce((x, y) => x + y, 0);
          const reserved = kinds.reduce(
            (acc, k, i) => r(acc.CPU + k.size.CPU * truth[i]!, acc.MEMORY + k.size.MEMORY * truth[i]!),
            r(0, 0),
          );
          const found = combinations(kinds, n, reserved) ?? [];
          for (const f of found) {
            expect(f.reduce((x, y) => x + y, 0)).toBe(n);
            expect(f.reduce((cpu, x, i) => cpu + x * kinds[i]!.size.CPU, 0)).toBe(reserved.CPU);
            expect(f.reduce((mem, x, i) => mem + x * kinds[i]!.size.MEMORY, 0)).toBe(reserved.MEMORY);
          }
          // The truth is among them unless the search stopped at two (ambiguous).
          if (found.length === 1) expect(found[0]).toEqual(truth);
        },
      ),
      { numRuns: 300 },
    );
  });
});

/**
 * Six instances (4,096 CPU / 8,192 MiB), each running 2 web tasks (512 / 1,024), the first also a worker
 * (256 / 3,072), no task lists. Sized as the largest task (512 CPU, 3,072 MiB each) the web tasks look
 * three times their memory; inferred, they are what they are.
 */
const cluster = (): ClusterSpec => {
  const on = (n: number, worker: number) => ({
    id: `i-${String(n).padStart(17, '0')}`,
    usedCpu: 1024 + 256 * worker,
    usedMem: 2048 + 3072 * worker,
    running: 2 + worker,
  });
  return {
    instances: [on(1, 1), on(2, 0), on(3, 0), on(4, 0), on(5, 0), on(6, 0)],
    services: [
      { name: 'web', cpu: 512, mem: 1024, desired: 12 },
      { name: 'worker', cpu: 256, mem: 3072, desired: 1 },
    ],
    group: { min: 1, max: 10 },
  };
};

describe('planCluster with inferred tasks', () => {
  const plan = (drainReadOnly?: 'ask') => {
    const s = snapshotOf(cluster());
    return planCluster(
      s,
      analyzeCapacity(s),
      { ...DEFAULT_CLUSTER_POLICY, scaleInUnneededSeconds: 0 },
      NOW,
      drainReadOnly ? { drainReadOnly } : {},
    );
  };
  const unneeded = (p: ReturnType<typeof plan>) =>
    Number(/(\d+) instance\(s\) unneeded/.exec(p.reasons.join('\n'))?.[1] ?? 0);

  it('counts more instances removable than the assumed-largest sizing, asks for their lists, drains none unread', () => {
    const conservative = plan();
    const inferred = plan('ask');
    expect(unneeded(inferred)).toBeGreaterThan(unneeded(conservative));
    // Nothing drains before its list is read: the instances the count found are asked for.
    expect(inferred.drain).toEqual([]);
    expect(inferred.needsTasks).toHaveLength(unneeded(inferred));
    expect(inferred.needsTasks).not.toContain(ciArn('i-00000000000000001')); // the busiest stays
  });

  it('drains the asked instances once their lists are read, as the cluster scaler does', () => {
    const asked = plan('ask').needsTasks;
    const idOf = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1);
    const s = snapshotOf({
      ...cluster(),
      tasks: asked.flatMap((arn) => [taskOn(idOf(arn), 'web', 1), taskOn(idOf(arn), 'web', 2)]),
    });
    const p = planCluster(
      s,
      analyzeCapacity(s),
      { ...DEFAULT_CLUSTER_POLICY, scaleInUnneededSeconds: 0 },
      NOW,
      { drainReadOnly: 'ask' },
    );
    expect(p.action).toBe('scale-in');
    expect(p.drain.map((d) => d.containerInstanceArn).sort()).toEqual([...asked].sort());
    expect(p.reasons.join('\n')).not.toMatch(/inferred|assumed/);
  });
});
