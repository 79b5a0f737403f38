import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { placeFirstFitDecreasing } from '../../../shared/core/placement/placement.js';

const r = (CPU: number, MEMORY: number, GPU = 0) => ({ CPU, MEMORY, GPU });

describe('placeFirstFitDecreasing', () => {
  it('fills existing free space before opening new instances', () => {
    const result = placeFirstFitDecreasing(
      [{ label: 'web', reservation: r(512, 1024), count: 5 }],
      [
        { id: 'a', free: r(1024, 4096) },
        { id: 'b', free: r(600, 600) },
      ],
      { newInstance: r(1024, 2048) },
    );
    expect(result.placedOnExisting).toBe(2);
    expect(result.newInstances).toBe(2);
    expect(result.placedOnNew).toBe(3);
    expect(result.unplaced).toEqual([]);
  });

  it('leaves the bins it is given as they were, and reports the free space left in its own', () => {
    // A scale-in count places onto the same thousands of staying instances once per step: the bins are
    // copied only where a task lands, never changed in place.
    const bins = [
      { id: 'a', free: r(1024, 1024) },
      { id: 'b', free: r(2048, 2048) },
    ];
    const result = placeFirstFitDecreasing([{ label: 'web', reservation: r(512, 512), count: 3 }], bins);
    expect(bins).toEqual([
      { id: 'a', free: r(1024, 1024) },
      { id: 'b', free: r(2048, 2048) },
    ]);
    expect(result.bins).toEqual([
      { id: 'a', free: r(0, 0) },
      { id: 'b', free: r(1536, 1536) },
    ]);
    expect(result.placedOnExisting).toBe(3);
  });

  it('places larger tasks first', () => {
    const result = placeFirstFitDecreasing(
      [
        { label: 'small', reservation: r(256, 256), count: 2 },
        { label: 'big', reservation: r(1024, 1024), count: 1 },
      ],
      [{ id: 'a', free: r(1024, 1024) }],
      { newInstance: r(1024, 1024) },
    );
    // Big first takes all of a; the two small ones open one new instance.
    expect(result.bins[0]!.free).toEqual(r(0, 0));
    expect(result.newInstances).toBe(1);
  });

  it('reports tasks larger than a new instance as too-large, and the cap as max-instances', () => {
    const tooLarge = placeFirstFitDecreasing([{ label: 'huge', reservation: r(4096, 1), count: 2 }], [], {
      newInstance: r(2048, 8192),
    });
    expect(tooLarge.unplaced).toEqual([
      { label: 'huge', reservation: r(4096, 1), count: 2, reason: 'too-large' },
    ]);
    expect(tooLarge.newInstances).toBe(0);
    const capped = placeFirstFitDecreasing([{ label: 'web', reservation: r(1024, 1), count: 5 }], [], {
      newInstance: r(2048, 8192),
      maxNewInstances: 1,
    });
    expect(capped.placedOnNew).toBe(2);
    expect(capped.unplaced[0]).toMatchObject({ count: 3, reason: 'max-instances' });
  });

  it('compares only the dimensions asked for', () => {
    const result = placeFirstFitDecreasing(
      [{ label: 'g', reservation: r(1, 1, 1), count: 1 }],
      [{ id: 'a', free: r(10, 10, 0) }],
      {
        dimensions: ['CPU', 'MEMORY'],
      },
    );
    expect(result.placedOnExisting).toBe(1);
  });

  it('does not mutate its inputs', () => {
    const bins = [{ id: 'a', free: r(1024, 1024) }];
    const before = structuredClone(bins);
    placeFirstFitDecreasing([{ label: 'x', reservation: r(512, 512), count: 2 }], bins);
    expect(bins).toEqual(before);
  });

  it('places every task exactly once and never overfills a bin (property)', () => {
    const arbR = fc.record({
      CPU: fc.integer({ min: 0, max: 2048 }),
      MEMORY: fc.integer({ min: 0, max: 4096 }),
      GPU: fc.constant(0),
    });
    fc.assert(
      fc.property(
        fc.array(fc.record({ reservation: arbR, count: fc.integer({ min: 0, max: 20 }) }), { maxLength: 6 }),
        fc.array(arbR, { maxLength: 6 }),
        (items, frees) => {
          const result = placeFirstFitDecreasing(
            items.map((i, n) => ({ label: `i${n}`, ...i })),
            frees.map((free, n) => ({ id: `b${n}`, free })),
            { newInstance: r(2048, 4096) },
          );
          const total = items.reduce((s, i) => s + i.count, 0);
          const unplaced = result.unplaced.reduce((s, u) => s + u.count, 0);
          expect(result.placedOnExisting + result.placedOnNew + unplaced).toBe(total);
          for (const b of result.bins) {
            expect(b.free.CPU).toBeGreaterThanOrEqual(0);
            expect(b.free.MEMORY).toBeGreaterThanOrEqual(0);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
