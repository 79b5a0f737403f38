/**
 * The fleet scenario files' shared vitest part (fleet-world.ts stays free of vitest: the world runner
 * imports it outside a test): the world of the running test, disposed after it, and the clean-run check.
 */
import { afterEach, expect } from 'vitest';
import type { Sim } from '../../sim/index.js';
import { scalerErrors, violations } from './fleet-world.js';

/** Holds the running test's world (`box.sim = …`) and disposes it after each test. */
export const worldPerTest = (): { sim: Sim | undefined } => {
  const box: { sim: Sim | undefined } = { sim: undefined };
  afterEach(() => {
    box.sim?.dispose();
    box.sim = undefined;
  });
  return box;
};

/** No failed scaler invocation, no instance left with tasks, no lifecycle action timed out. */
export const clean = (w: Sim): void => {
  expect(scalerErrors(w)).toEqual([]);
  expect(violations(w)).toEqual([]);
};
