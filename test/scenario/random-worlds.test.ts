/**
 * Random worlds (test/worlds/random-world.ts) in the test suite: 30 worlds drawn from fixed seeds, each
 * judged by the simulator alone — tasks it can place run, idle instances leave, no write is rejected.
 * `npm run test:worlds -- --worlds 300` runs many more (docs/reliability.md).
 */
import { describe, expect, it } from 'vitest';
import { drawWorld, reproduceWorld, runWorld } from '../worlds/random-world.js';

/** Seeds 1–30, and worlds that found a bug (72: a crash loop's retry read as missing headroom). */
const SEEDS = [...Array.from({ length: 30 }, (_, k) => k + 1), 72];

describe('random worlds, judged by the simulator', () => {
  it('draws varied worlds: several groups, Graviton, weights, ports, ENIs, daemons', () => {
    const worlds = SEEDS.slice(0, 30).map(drawWorld);
    expect(worlds.some((w) => w.groups.length > 1)).toBe(true);
    expect(worlds.some((w) => w.groups.some((g) => JSON.stringify(g).includes('m6g')))).toBe(true);
    expect(worlds.some((w) => w.groups.some((g) => JSON.stringify(g).includes('"weight"')))).toBe(true);
    expect(worlds.some((w) => w.services.some((s) => JSON.stringify(s.td).includes('hostPorts')))).toBe(true);
    expect(worlds.some((w) => w.services.some((s) => s.td.networkMode === 'awsvpc'))).toBe(true);
    expect(worlds.some((w) => w.daemon)).toBe(true);
    // The same seed draws the same world.
    expect(drawWorld(7)).toEqual(drawWorld(7));
  });

  it.each(SEEDS)(
    'world %i',
    async (seed) => {
      const problems = await runWorld(seed);
      expect(problems, reproduceWorld(seed)).toEqual([]);
    },
    60_000,
  );
});
