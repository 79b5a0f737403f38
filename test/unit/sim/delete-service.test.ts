/**
 * The simulator's DeleteService (ECS API reference, DeleteService): a REPLICA service above desired count 0
 * is refused unless forced; a deleted service's tasks stop, it leaves ListServices at once, DescribeServices
 * still returns it (INACTIVE once its tasks are STOPPING or STOPPED), and no task of it starts again.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Sim } from '../../../sim/index.js';
import { twoHosts } from './two-hosts.js';

let sim: Sim | undefined;
afterEach(() => {
  sim?.dispose();
  sim = undefined;
});

const live = (s: Sim, name: string) =>
  [...s.ecs.cluster('c')!.tasks.values()].filter(
    (t) => t.group === `service:${name}` && t.lastStatus !== 'STOPPED',
  );

const world = () =>
  twoHosts(5, [
    { name: 'web', desiredCount: 3 },
    { name: 'api', desiredCount: 2 },
  ]);

describe('sim: DeleteService', () => {
  it('refuses a service above desired count 0 without force, and changes nothing', async () => {
    sim = await world();
    await expect(sim.call('ecs', 'DeleteService', { cluster: 'c', service: 'web' })).rejects.toMatchObject({
      name: 'InvalidParameterException',
    });
    expect(live(sim, 'web')).toHaveLength(3);
    const listed = (await sim.call('ecs', 'ListServices', { cluster: 'c' })) as { serviceArns: string[] };
    expect(listed.serviceArns.some((a) => a.endsWith('/web'))).toBe(true);
  });

  it('forced: stops its tasks, leaves ListServices, stays in DescribeServices as INACTIVE, starts nothing again', async () => {
    sim = await world();
    const out = (await sim.call('ecs', 'DeleteService', { cluster: 'c', service: 'web', force: true })) as {
      service: { status: string; desiredCount: number };
    };
    expect(out.service).toMatchObject({ status: 'INACTIVE', desiredCount: 0 });
    const listed = (await sim.call('ecs', 'ListServices', { cluster: 'c' })) as { serviceArns: string[] };
    expect(listed.serviceArns.map((a) => a.split('/').pop())).toEqual(['api']);
    const described = (await sim.call('ecs', 'DescribeServices', { cluster: 'c', services: ['web'] })) as {
      services: { status: string }[];
    };
    expect(described.services[0]!.status).toBe('INACTIVE');
    await sim.runFor(300);
    expect(live(sim, 'web')).toHaveLength(0);
    expect(live(sim, 'api')).toHaveLength(2);
    // A second delete changes nothing; UpdateService is refused.
    await sim.call('ecs', 'DeleteService', { cluster: 'c', service: 'web', force: true });
    await expect(
      sim.call('ecs', 'UpdateService', { cluster: 'c', service: 'web', desiredCount: 2 }),
    ).rejects.toMatchObject({ name: 'ServiceNotActiveException' });
    await sim.runFor(120);
    expect(live(sim, 'web')).toHaveLength(0);
  });

  it('at desired count 0 (the documented path) deletes without force', async () => {
    sim = await world();
    await sim.call('ecs', 'UpdateService', { cluster: 'c', service: 'api', desiredCount: 0 });
    await sim.runFor(120);
    await sim.call('ecs', 'DeleteService', { cluster: 'c', service: 'api' });
    const listed = (await sim.call('ecs', 'ListServices', { cluster: 'c' })) as { serviceArns: string[] };
    expect(listed.serviceArns.map((a) => a.split('/').pop())).toEqual(['web']);
    expect(live(sim, 'api')).toHaveLength(0);
  });
});
