/**
 * The scale-in check's fast `binpack` (shared/core/cluster/binpack-moves.ts) makes the same choice as the
 * placement model's strategy placement (`placeTasks` with strategies), task for task, on random clusters.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { binpackPlace } from '../../../shared/core/cluster/binpack-moves.js';
import { type Demand, placeTasks } from '../../../shared/core/placement/index.js';
import { node, req } from '../placement/builders.js';

const bin = fc.record({
  cpu: fc.integer({ min: 0, max: 16 }).map((k) => k * 128),
  memory: fc.integer({ min: 0, max: 30 }).map((k) => k * 256),
});
const task = fc.record({
  cpu: fc.integer({ min: 1, max: 8 }).map((k) => k * 128),
  memory: fc.integer({ min: 1, max: 8 }).map((k) => k * 256),
  count: fc.integer({ min: 1, max: 4 }),
});

describe('binpackPlace', () => {
  it.each(['cpu', 'memory'] as const)(
    'places like placeTasks with binpack on %s, in either order',
    (field) => {
      fc.assert(
        fc.property(
          fc.array(bin, { minLength: 1, maxLength: 12 }),
          fc.array(task, { minLength: 1, maxLength: 6 }),
          (bins, tasks) => {
            const nodes = bins.map((b, i) => node({ id: `n${i}`, cpu: b.cpu, memory: b.memory }));
            const demands: Demand[] = tasks.map((t, i) => ({
              key: String(i),
              count: t.count,
              req: req(
                { cpu: t.cpu, memory: t.memory },
                { name: `s${i}`, strategy: [{ type: 'binpack', field }] },
              ),
            }));
            for (const smallestFirst of [false, true]) {
              const model = placeTasks(demands, nodes, { strategies: true, smallestFirst });
              const fast = binpackPlace(
                demands.map((d) => ({ label: d.key, reservation: d.req.resources, count: d.count })),
                nodes.map((n) => ({ id: n.id, free: n.free })),
                field === 'cpu' ? 'CPU' : 'MEMORY',
                smallestFirst,
              );
              expect(fast.bins.map((b) => b.free)).toEqual(model.nodes.map((n) => n.free));
              expect(fast.unplaced.map((u) => [u.label, u.count])).toEqual(
                model.unplaced.map((u) => [u.key, u.count]),
              );
            }
          },
        ),
        { numRuns: 300 },
      );
    },
  );

  it('puts a task on the instance left with the least memory that takes it, not the first with room', () => {
    const r = binpackPlace(
      [{ label: 'web', reservation: { CPU: 512, MEMORY: 1024, GPU: 0 }, count: 2 }],
      [
        { id: 'a', free: { CPU: 896, MEMORY: 8960, GPU: 0 } },
        { id: 'b', free: { CPU: 1920, MEMORY: 7424, GPU: 0 } },
      ],
      'MEMORY',
    );
    expect(r.bins.map((b) => b.free.CPU)).toEqual([896, 896]);
    expect(r.unplaced).toEqual([]);
  });
});
