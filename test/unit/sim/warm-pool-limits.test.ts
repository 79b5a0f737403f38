/**
 * AWS refuses a warm pool on a group with a mixed instances policy or one that launches Spot Instances
 * (PutWarmPool; EC2 Auto Scaling user guide, "Warm pools", Limitations): the simulator refuses it too, so
 * no test world runs a cluster AWS would not have built.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Sim } from '../../../sim/index.js';
import { fleetWorld } from '../../scenario/fleet-world.js';

let sim: Sim | undefined;
afterEach(() => sim?.dispose());

describe('warm pool limits', () => {
  it('refuses a warm pool on a mixed-instances group and on a Spot group, accepts it on a plain one', () => {
    expect(() =>
      fleetWorld([
        {
          name: 'mixed',
          min: 0,
          max: 4,
          desired: 1,
          mixedInstances: { overrides: [{ type: 'm5.large' }, { type: 'c5.large' }] },
          warmPool: { minSize: 1 },
        },
      ]),
    ).toThrow(/warm pool on a group with a mixed instances policy or Spot Instances/);
    expect(() =>
      fleetWorld([
        {
          name: 'spot',
          min: 0,
          max: 4,
          desired: 1,
          instanceTypes: ['m5.large'],
          spotShare: 1,
          warmPool: { minSize: 1 },
        },
      ]),
    ).toThrow(/warm pool on a group with a mixed instances policy or Spot Instances/);
    sim = fleetWorld([
      { name: 'plain', min: 0, max: 4, desired: 1, instanceTypes: ['m5.large'], warmPool: { minSize: 1 } },
    ]);
    expect(sim.asg.groups.get('plain')!.warmPool).toEqual({ minSize: 1, reuseOnScaleIn: false });
  });
});
