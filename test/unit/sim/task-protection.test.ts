/**
 * The simulator's ECS service scheduler never stops a task with task scale-in protection on when the
 * service scales in (ECS Developer Guide, task scale-in protection); once it expires, the task may go.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Sim } from '../../../sim/index.js';
import { twoHosts } from './two-hosts.js';

let sim: Sim | undefined;
afterEach(() => {
  sim?.dispose();
  sim = undefined;
});

const webTasks = (s: Sim) =>
  [...s.ecs.cluster('c')!.tasks.values()].filter(
    (t) => t.group === 'service:web' && t.desiredStatus === 'RUNNING',
  );

describe('sim: service scale-in and task scale-in protection', () => {
  it('keeps protected tasks through a scale-in, stops them after the protection expires', async () => {
    sim = await twoHosts(3, [{ name: 'web', desiredCount: 4 }]);
    expect(webTasks(sim)).toHaveLength(4);
    const kept = webTasks(sim).slice(0, 2);
    await sim.call('ecs', 'UpdateTaskProtection', {
      cluster: 'c',
      tasks: kept.map((t) => t.arn),
      protectionEnabled: true,
      expiresInMinutes: 10,
    });
    await sim.call('ecs', 'UpdateService', { cluster: 'c', service: 'web', desiredCount: 1 });
    await sim.runFor(120);
    // Only unprotected tasks stop: the two protected ones stay although desired is 1.
    expect(
      webTasks(sim)
        .map((t) => t.arn)
        .sort(),
    ).toEqual(kept.map((t) => t.arn).sort());
    await sim.runFor(15 * 60);
    expect(webTasks(sim)).toHaveLength(1);
  });
});
