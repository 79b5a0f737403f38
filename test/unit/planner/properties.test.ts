import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzeCapacity } from '../../../shared/core/capacity/capacity.js';
import { type ClusterSpec, fleet, type InstanceSpec, NOW, planOf, snapshotOf } from './builders.js';

/** A random cluster: 0..8 instances with random usage, 1..3 services, random group limits and state. */
const clusterArb = fc
  .record({
    instances: fc.array(
      fc.record({ cpuShare: fc.integer({ min: 0, max: 8 }), memShare: fc.integer({ min: 0, max: 8 }) }),
      { maxLength: 8 },
    ),
    services: fc.array(
      fc.record({
        cpu: fc.constantFrom(256, 512, 1024, 2048, 4096, 8192),
        mem: fc.constantFrom(512, 1024, 2048, 4096, 16384),
        desired: fc.integer({ min: 0, max: 20 }),
        missing: fc.integer({ min: 0, max: 10 }),
      }),
      { minLength: 1, maxLength: 3 },
    ),
    min: fc.integer({ min: 0, max: 4 }),
    extraMax: fc.integer({ min: 0, max: 10 }),
    lastOut: fc.option(fc.integer({ min: 0, max: 3600 })),
    maxStep: fc.integer({ min: 1, max: 5 }),
  })
  .map(({ instances, services, min, extraMax, lastOut, maxStep }) => {
    const n = instances.length;
    const desired = Math.max(min, n);
    const spec: ClusterSpec = {
      instances: fleet(n).map((i, k) => ({
        ...i,
        usedCpu: 512 * instances[k]!.cpuShare,
        usedMem: 1024 * instances[k]!.memShare,
        running: instances[k]!.cpuShare,
      })),
      services: services.map((s, k) => ({
        name: `svc${k}`,
        cpu: s.cpu,
        mem: s.mem,
        desired: s.desired,
        running: Math.max(0, s.desired - s.missing),
      })),
      group: {
        min,
        max: desired + extraMax,
        desired,
        tags:
          lastOut === null
            ? {}
            : { 'ecs-autoscaler:last-scale-out': new Date(NOW.getTime() - lastOut * 1000).toISOString() },
        instanceType: 'm5.xlarge',
        overrides: ['m5.xlarge'],
      },
    };
    return { spec, maxStep };
  });

describe('planCluster — properties', () => {
  it('desired capacity never leaves [MinSize, MaxSize] and a scale-out adds at most max step', () => {
    fc.assert(
      fc.property(clusterArb, ({ spec, maxStep }) => {
        const plan = planOf(snapshotOf(spec), { maxStep });
        const { min, max } = plan.limits!;
        expect(plan.desiredCapacity.proposed).toBeGreaterThanOrEqual(min);
        expect(plan.desiredCapacity.proposed).toBeLessThanOrEqual(max);
        // Scale-in is paced by the unneeded time, not capped per decision (issue 16).
        const step = plan.desiredCapacity.proposed - plan.desiredCapacity.current;
        if (plan.action === 'scale-out') expect(step).toBeLessThanOrEqual(maxStep);
        expect(plan.reasons.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });

  it('a scale-out, once applied, is never repeated by the same trigger (absolute targets)', () => {
    let scaleOuts = 0;
    fc.assert(
      fc.property(clusterArb, ({ spec, maxStep }) => {
        const first = planOf(snapshotOf(spec), { maxStep });
        if (first.action !== 'scale-out') return;
        scaleOuts++;
        const added = first.desiredCapacity.proposed - first.desiredCapacity.current;
        const applied = snapshotOf({
          ...spec,
          group: {
            ...spec.group!,
            desired: first.desiredCapacity.proposed,
            unregistered: Array.from({ length: added }, (_, k) => `i-${String(900 + k).padStart(17, '0')}`),
            tags: { ...spec.group!.tags, ...first.stateTags },
          },
        });
        const again = planOf(applied, { maxStep });
        expect(again.action).not.toBe('scale-in');
        // More may be bought only for what the first step was capped at, never the same instances again.
        // One instance of slack: the sizing packs first-fit-decreasing on the current and in-flight
        // instances, then the rest on new ones, and that two-phase packing is not monotone — with one
        // more empty in-flight instance among the first bins, what is left over may still need as many
        // new ones (seed -508021264: 1 + 1 in flight → 2 more; 1 + 2 in flight → 2 more). Found failing
        // about once in 12 runs; a cap at MaxSize or the max step bounds what it can buy.
        expect(again.capacityDeficitInstances).toBeLessThanOrEqual(
          Math.max(0, first.capacityDeficitInstances - added) + 1,
        );
      }),
      { numRuns: 300 },
    );
    // The property only speaks when the generator produced scale-outs (about a third of the clusters).
    expect(scaleOuts).toBeGreaterThanOrEqual(20);
  });

  it('never drains while tasks wait for capacity, and drains only ACTIVE members', () => {
    let scaleIns = 0;
    fc.assert(
      fc.property(clusterArb, ({ spec, maxStep }) => {
        const snapshot = snapshotOf(spec);
        const plan = planOf(snapshot, { maxStep });
        if (plan.action !== 'scale-in') return;
        scaleIns++;
        expect(plan.capacityDeficitInstances).toBe(0);
        const members = new Set(snapshot.autoScalingGroups[0]!.Instances.map((i) => i.InstanceId));
        for (const d of plan.drain) expect(members.has(d.ec2InstanceId)).toBe(true);
      }),
      // Scale-ins are rare among random clusters (about 0.5 %): 3,000 runs give ~14, and none at all
      // about once in a million runs.
      { numRuns: 3000 },
    );
    expect(scaleIns).toBeGreaterThanOrEqual(1);
  });
});

/**
 * Mostly idle clusters, where scale-in is common: 2..8 instances of two sizes, each running a few tasks of
 * 1..3 services (desired = running, so nothing waits). No task lists: the planner sizes every task of a
 * candidate as the largest task, so the tasks it moves are identical and any first-fit order of them
 * reaches the placement the planner checked.
 */
const idleClusterArb = fc
  .record({
    services: fc.array(
      fc.record({
        cpu: fc.constantFrom(256, 512, 1024, 1536),
        mem: fc.constantFrom(512, 1024, 2048, 3072),
      }),
      { minLength: 1, maxLength: 3 },
    ),
    instances: fc.array(fc.record({ xlarge: fc.boolean(), tasks: fc.array(fc.nat(2), { maxLength: 4 }) }), {
      minLength: 2,
      maxLength: 8,
    }),
    headroomTasks: fc.integer({ min: 0, max: 3 }),
  })
  .map(({ services, instances, headroomTasks }) => {
    const svc = (k: number) => services[k % services.length]!;
    const desired = services.map(() => 0);
    const specs: InstanceSpec[] = fleet(instances.length).map((i, n) => {
      const g = instances[n]!;
      const [cpu, mem] = g.xlarge ? [4096, 15576] : [2048, 7680];
      let usedCpu = 0;
      let usedMem = 0;
      const placed: number[] = [];
      for (const k of g.tasks) {
        const s = svc(k);
        if (usedCpu + s.cpu > cpu || usedMem + s.mem > mem) continue;
        usedCpu += s.cpu;
        usedMem += s.mem;
        placed.push(k % services.length);
      }
      for (const k of placed) desired[k]!++;
      return { ...i, cpu, mem, usedCpu, usedMem, running: placed.length };
    });
    const spec: ClusterSpec = {
      instances: specs,
      services: services.map((s, k) => ({ name: `svc${k}`, cpu: s.cpu, mem: s.mem, desired: desired[k]! })),
      group: { min: 0, max: 20, instanceType: 'm5.xlarge' },
    };
    return { spec, headroomTasks };
  });

/** The cluster after the plan's drains: drained instances gone, their tasks first-fit on the others. */
const afterScaleIn = (spec: ClusterSpec, drained: ReadonlySet<string>): ClusterSpec => {
  const analysis = analyzeCapacity(snapshotOf(spec));
  const { CPU, MEMORY } = analysis.largestTask.reservation;
  const stay = spec.instances!.filter((i) => !drained.has(i.id)).map((i) => ({ ...i }));
  let moving = spec.instances!.filter((i) => drained.has(i.id)).reduce((n, i) => n + (i.running ?? 0), 0);
  for (const i of stay) {
    while (
      moving > 0 &&
      (i.cpu ?? 4096) - (i.usedCpu ?? 0) >= CPU &&
      (i.mem ?? 8192) - (i.usedMem ?? 0) >= MEMORY
    ) {
      i.usedCpu = (i.usedCpu ?? 0) + CPU;
      i.usedMem = (i.usedMem ?? 0) + MEMORY;
      i.running = (i.running ?? 0) + 1;
      moving--;
    }
  }
  expect(moving, 'the planner said the drained instances’ tasks fit on the others').toBe(0);
  return { ...spec, instances: stay, group: { ...spec.group!, desired: stay.length } };
};

describe('planCluster — placement-exact scale-in cannot oscillate', () => {
  it('after a scale-in with its tasks moved, the same cluster plans no scale-out', () => {
    let scaleIns = 0;
    fc.assert(
      fc.property(idleClusterArb, ({ spec, headroomTasks }) => {
        const plan = planOf(snapshotOf(spec), { headroomTasks });
        if (plan.action !== 'scale-in') return;
        scaleIns++;
        const after = afterScaleIn(spec, new Set(plan.drain.map((d) => d.ec2InstanceId)));
        const again = planOf(snapshotOf(after), { headroomTasks });
        expect(again.capacityDeficitInstances).toBe(0);
        expect(again.action).not.toBe('scale-out');
      }),
      { numRuns: 1000 },
    );
    // Most idle clusters scale in; the property must have spoken often.
    expect(scaleIns).toBeGreaterThanOrEqual(100);
  });
});
