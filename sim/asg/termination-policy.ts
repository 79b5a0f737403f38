/**
 * The default termination policy (EC2 Auto Scaling user guide, "Default termination policy"):
 *  1. only unprotected instances are candidates (scale-in protection);
 *  2. pick the Availability Zone with the most instances that has an unprotected instance;
 *  3. in it, instances with the oldest launch template/configuration version;
 *  4. then the instance closest to the next billing hour — an approximation: with per-second billing
 *     AWS still applies this step; the simulator uses uptime mod 3600 s, largest first;
 *  5. then at random (seeded).
 * Allocation-strategy balancing of mixed-instance groups is not modelled.
 */
import type { Rng } from '../core/random.js';
import type { SimAsg, SimAsgInstance } from './model.js';

/** Pending (with Pending:Wait and Pending:Proceed of a launch hook) and InService count toward desired. */
export const counted = (i: SimAsgInstance): boolean =>
  i.lifecycleState.startsWith('Pending') || i.lifecycleState === 'InService';

/** Chooses up to `n` instances to terminate for a scale-in (fewer if protection leaves fewer). */
export const chooseVictims = (group: SimAsg, n: number, nowMs: number, rng: Rng): SimAsgInstance[] => {
  const chosen = new Set<SimAsgInstance>();
  for (let k = 0; k < n; k++) {
    const live = [...group.instances.values()].filter((i) => counted(i) && !chosen.has(i));
    const candidates = live.filter((i) => !i.protectedFromScaleIn);
    if (candidates.length === 0) break;
    const perAz = new Map<string, number>();
    for (const i of live) perAz.set(i.az, (perAz.get(i.az) ?? 0) + 1);
    const maxAz = Math.max(...candidates.map((i) => perAz.get(i.az) ?? 0));
    let pool = candidates.filter((i) => perAz.get(i.az) === maxAz);
    const oldest = pool.map((i) => Number(i.launchTemplateVersion)).reduce((a, b) => Math.min(a, b));
    pool = pool.filter((i) => Number(i.launchTemplateVersion) === oldest);
    const billing = (i: SimAsgInstance) => ((nowMs - i.launchedAt) / 1000) % 3600;
    const closest = Math.max(...pool.map(billing));
    pool = pool.filter((i) => billing(i) === closest);
    chosen.add(rng.pick(pool));
  }
  return [...chosen];
};

/**
 * The AZs a new instance may go to, in the order the group tries them: the fewest instances first (AZ
 * balancing at launch; ties in the group's order), the others when a launch fails (`balanced-best-effort`).
 */
export const launchAzs = (group: SimAsg): string[] => {
  const perAz = new Map<string, number>(group.azs.map((az) => [az, 0]));
  for (const i of group.instances.values()) if (counted(i)) perAz.set(i.az, (perAz.get(i.az) ?? 0) + 1);
  return [...group.azs].sort((a, b) => (perAz.get(a) ?? 0) - (perAz.get(b) ?? 0));
};

/** Instances that count toward desired capacity (Pending*, InService). */
export const countedInstances = (group: SimAsg): SimAsgInstance[] =>
  [...group.instances.values()].filter(counted);
