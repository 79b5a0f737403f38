/**
 * The simulator's account has an instance quota (EC2's Running On-Demand instances quota): above it a
 * launch fails as `VcpuLimitExceeded` does and the group retries, as at AWS. A desired capacity of
 * millions (API-legal within MaxSize) filled the simulator's heap before it: `simulate` on such a snapshot
 * never finished.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { defaultSettings } from '../../sim/core/context.js';
import { createSim, type Sim } from '../../sim/index.js';

let sim: Sim | undefined;
afterEach(() => sim?.dispose());

const live = (s: Sim) =>
  [...s.asg.groups.values()]
    .flatMap((g) => [...g.instances.values()])
    .filter((i) => i.ec2State !== 'terminated');

describe('the simulated account’s instance quota', () => {
  it('is 5,000 instances unless a world says otherwise (ECS registers 5,000 per cluster by default)', () => {
    expect(defaultSettings.instanceQuota).toBe(5000);
  });

  it('stops launches at the quota across groups, and the groups launch again when room returns', async () => {
    sim = createSim({ seed: 3, settings: { instanceQuota: 12 } });
    sim.createCluster('c1');
    for (const name of ['a', 'b']) {
      sim.createAutoScalingGroup({
        name,
        cluster: 'c1',
        min: 0,
        max: 2 ** 31 - 1,
        desired: 2,
        instanceTypes: ['m5.large'],
      });
    }
    await sim.runFor(300);
    expect(live(sim)).toHaveLength(4);
    sim.asg.setDesired(sim.asg.groups.get('a')!, 2 ** 31 - 1);
    await sim.runFor(600);
    // Group a takes what the quota leaves (12 − b's 2), no more, and keeps asking.
    expect(live(sim)).toHaveLength(12);
    expect(sim.asg.groups.get('a')!.instances.size).toBe(10);
    // Room comes back when b shrinks: a's retries take it.
    sim.asg.setDesired(sim.asg.groups.get('b')!, 0);
    await sim.runFor(900);
    expect(live(sim).filter((i) => i.group.name === 'b')).toEqual([]);
    expect(live(sim).filter((i) => i.group.name === 'a')).toHaveLength(12);
  });
});
