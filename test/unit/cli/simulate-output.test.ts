import { describe, expect, it } from 'vitest';
import {
  type PolicyRun,
  renderSimulateChart,
  sideBySide,
  waitingTasks,
} from '../../../cli/simulate-output.js';
import { styleFor } from '../../../cli/text-layout.js';
import type { RunFigures, RunSample } from '../../../sim/replay/run-metrics.js';

const figures = (over: Partial<RunFigures> = {}): RunFigures => ({
  costUnitHours: 228.63,
  lowerBoundCostUnitHours: 140.53,
  packingReferenceCostUnitHours: 158.03,
  instanceHours: 180.6,
  pendingTaskMinutes: 15,
  maxTaskWaitSeconds: 30,
  scalingActions: 5,
  reversals: 0,
  ...over,
});

const sample = (t: number, instances: number, wanted: number, running: number): RunSample => ({
  t,
  instances,
  costUnits: instances,
  desiredCapacity: instances,
  wanted: { web: wanted, api: 2 },
  running: { web: running, api: 3 },
  lowerBound: 1,
  packingReference: 1,
  headroom: 0,
});

/** A day sampled every 30 s: instances step up once, waiting tasks appear for 10 minutes. */
const day = (): RunSample[] =>
  Array.from({ length: 2880 }, (_, k) => {
    const t = k * 30;
    return sample(t, t < 36_000 ? 4 : 6, 10, t >= 36_000 && t < 36_600 ? 7 : 10);
  });

const runs: PolicyRun[] = [
  { policy: 'ecs-autoscaler', figures: figures(), samples: day() },
  { policy: 'capacity-provider-tuned', figures: figures({ costUnitHours: 210.2 }), samples: day() },
];

describe('simulate output', () => {
  it('counts waiting tasks as desired minus running per service, never negative', () => {
    expect(waitingTasks(sample(0, 1, 10, 7))).toBe(3);
  });

  it('prints a neutral side-by-side within 80 columns, with no target verdicts', () => {
    const text = sideBySide('diurnal, 24 h, cluster demo', runs, { width: 80, style: styleFor(false) });
    expect(text.split('\n').filter((l) => l.length > 80)).toEqual([]);
    expect(text).toMatch(/^ecs-autoscaler\s+228\.6\s/m);
    expect(text).toMatch(/^capacity-provider-tuned\s+210\.2\s/m);
    expect(text).not.toMatch(/MISSED|met /);
  });

  it('draws instances and waiting tasks in a compact chart: one vertex per change, not per sample', () => {
    const svg = renderSimulateChart('demo: diurnal', runs);
    expect(svg).toMatch(/^<svg /);
    expect(svg).toContain('>instances<');
    expect(svg).toContain('>waiting tasks<');
    expect(svg).toContain('>capacity-provider-tuned<');
    expect(svg.length).toBeLessThan(6000);
  });
});
