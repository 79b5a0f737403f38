/**
 * The small world several simulator tests share: cluster `c`, one group `g` of two m5.large (MinSize =
 * MaxSize = 2), and services of 256-CPU / 512-MiB tasks, one definition each; installed, started and run
 * two minutes, so the tasks run.
 */
import type { PlacementStrategy } from '../../../sim/ecs/model.js';
import { createSim, type Sim } from '../../../sim/index.js';

export const twoHosts = async (
  seed: number,
  services: { name: string; desiredCount: number; placementStrategy?: PlacementStrategy[] }[],
): Promise<Sim> => {
  const s = createSim({ seed });
  s.createCluster('c');
  s.createAutoScalingGroup({
    name: 'g',
    cluster: 'c',
    min: 2,
    max: 2,
    desired: 2,
    instanceTypes: ['m5.large'],
  });
  for (const svc of services) {
    s.registerTaskDefinition({ family: svc.name, containers: [{ cpu: 256, memoryReservation: 512 }] });
    s.createService({ cluster: 'c', taskDefinition: svc.name, ...svc });
  }
  s.install();
  s.start();
  await s.runFor(120);
  return s;
};
