import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzeCapacity } from '../../../shared/core/capacity/capacity.js';
import { deployment, instance, service, snapshot, taskDef, tdArn } from './builders.js';

const web = taskDef('web:1', { cpu: '512', memory: '1024' });

describe('analyzeCapacity: capacity instances', () => {
  it('counts DRAINING, INACTIVE and disconnected instances but gives them no capacity', () => {
    const a = analyzeCapacity(
      snapshot({
        instances: [
          instance('i-1', { usedCpu: 512, usedMem: 1024 }),
          instance('i-2', { status: 'DRAINING', usedCpu: 1024 }),
          instance('i-3', { status: 'INACTIVE' }),
          instance('i-4', { connected: false, usedCpu: 2048 }),
        ],
        services: [service('web', 'web:1')],
        taskDefinitions: [web],
      }),
    );
    expect(a.counts).toEqual({ total: 4, active: 2, draining: 1, capacity: 1 });
    expect(a.dimensions.CPU).toMatchObject({ registered: 2048, reserved: 512, reservationPercent: 25 });
    expect(a.dimensions.MEMORY).toMatchObject({ registered: 7680, reserved: 1024 });
  });
});

describe('analyzeCapacity: threshold rule', () => {
  it('computes reservation, instance capacity (smallest instance), threshold and schedulable tasks', () => {
    const a = analyzeCapacity(
      snapshot({
        instances: [
          instance('i-1', { usedCpu: 1024, usedMem: 2048 }),
          instance('i-2', { cpu: 4096, mem: 15576, usedCpu: 512, usedMem: 1024, type: 'm5.xlarge' }),
        ],
        services: [service('web', 'web:1')],
        taskDefinitions: [web],
      }),
    );
    expect(a.dimensions.CPU).toEqual({
      registered: 6144,
      reserved: 1536,
      reservationPercent: 25,
      instanceCapacity: 2048,
      largestTask: 512,
      thresholdPercent: 75,
    });
    expect(a.dimensions.MEMORY!.instanceCapacity).toBe(7680);
    expect(a.dimensions.MEMORY!.thresholdPercent).toBeCloseTo(100 * (1 - 1024 / 7680), 10);
    // i-1: min(1024/512, 5632/1024) = 2; i-2: min(3584/512, 14552/1024) = 7.
    expect(a.schedulableTasks).toBe(9);
    expect(a.largestTask.taskDefinition).toBe(tdArn('web:1'));
    expect(a.dimensionNames).toEqual(['CPU', 'MEMORY']);
  });

  it('takes the largest task per dimension from different task definitions', () => {
    const cpuHeavy = taskDef('cpu:1', { cpu: '1536', memory: '512' });
    const memHeavy = taskDef('mem:1', { cpu: '256', memory: '6144' });
    const a = analyzeCapacity(
      snapshot({
        instances: [instance('i-1')],
        services: [service('a', 'cpu:1'), service('b', 'mem:1')],
        taskDefinitions: [cpuHeavy, memHeavy],
      }),
    );
    expect(a.largestTask.reservation).toEqual({ CPU: 1536, MEMORY: 6144, GPU: 0 });
    expect(a.largestTask.byDimension).toEqual({ CPU: tdArn('cpu:1'), MEMORY: tdArn('mem:1') });
    // mem:1 takes 80 % of an instance's memory, cpu:1 75 % of its CPU: mem:1 is the one reported.
    expect(a.largestTask.taskDefinition).toBe(tdArn('mem:1'));
  });

  it('counts both revisions of a service mid-deployment', () => {
    const a = analyzeCapacity(
      snapshot({
        instances: [instance('i-1')],
        services: [
          service('web', 'web:2', {
            desired: 2,
            running: 3,
            deployments: [
              deployment('web:2', { desired: 2, running: 1 }),
              deployment('web:1', { status: 'ACTIVE', desired: 2, running: 2 }),
            ],
          }),
        ],
        taskDefinitions: [
          taskDef('web:2', { cpu: '256', memory: '3072' }),
          taskDef('web:1', { cpu: '1024', memory: '512' }),
        ],
      }),
    );
    expect(a.largestTask.reservation).toMatchObject({ CPU: 1024, MEMORY: 3072 });
  });

  it('leaves DAEMON services out of the largest task and sums their reservation', () => {
    const a = analyzeCapacity(
      snapshot({
        instances: [instance('i-1')],
        services: [service('web', 'web:1'), service('agent', 'agent:1', { daemon: true })],
        taskDefinitions: [web, taskDef('agent:1', { containers: [{ cpu: 1900, memoryReservation: 256 }] })],
      }),
    );
    expect(a.largestTask.reservation.CPU).toBe(512);
    expect(a.daemonReservation).toMatchObject({ CPU: 1900, MEMORY: 256 });
    expect(a.daemonServices).toEqual(['agent']);
  });

  it('ignores services that are not ACTIVE', () => {
    const a = analyzeCapacity(
      snapshot({
        instances: [instance('i-1')],
        services: [service('old', 'big:1', { status: 'DRAINING' })],
        taskDefinitions: [taskDef('big:1', { cpu: '4096', memory: '1' })],
      }),
    );
    expect(a.largestTask.taskDefinition).toBeNull();
  });

  it('shouts when a task is larger than every instance: it will never be placed', () => {
    const a = analyzeCapacity(
      snapshot({
        instances: [instance('i-1'), instance('i-2')],
        services: [service('huge', 'huge:1', { running: 0 })],
        taskDefinitions: [taskDef('huge:1', { cpu: '4096', memory: '1024' })],
      }),
    );
    expect(a.dimensions.CPU!.thresholdPercent).toBe(0);
    expect(a.findings.join('\n')).toMatch(/huge:1 reserves 4096 CPU .*will never be placed/);
    expect(a.schedulableTasks).toBe(0);
  });

  it('notes a task that fits only on the larger instances of a mixed cluster', () => {
    const a = analyzeCapacity(
      snapshot({
        instances: [instance('i-1'), instance('i-2', { cpu: 4096, mem: 15576 })],
        services: [service('big', 'big:1')],
        taskDefinitions: [taskDef('big:1', { cpu: '3072', memory: '1024' })],
      }),
    );
    expect(a.findings.join('\n')).toMatch(/fits only on larger instances/);
    expect(a.findings.join('\n')).not.toMatch(/never be placed/);
  });

  it('adds the GPU dimension when an instance registers GPUs', () => {
    const a = analyzeCapacity(
      snapshot({
        instances: [
          instance('g-1', { cpu: 8192, mem: 61000, gpu: 1, usedGpu: 1 }),
          instance('g-2', { cpu: 8192, mem: 61000, gpu: 1 }),
        ],
        services: [service('train', 'train:1')],
        taskDefinitions: [
          taskDef('train:1', {
            containers: [{ cpu: 1024, memory: 4096, resourceRequirements: [{ type: 'GPU', value: '1' }] }],
          }),
        ],
      }),
    );
    expect(a.dimensionNames).toEqual(['CPU', 'MEMORY', 'GPU']);
    expect(a.dimensions.GPU).toEqual({
      registered: 2,
      reserved: 1,
      reservationPercent: 50,
      instanceCapacity: 1,
      largestTask: 1,
      thresholdPercent: 0,
    });
    // Only g-2 has a free GPU.
    expect(a.schedulableTasks).toBe(1);
  });

  it('reports a GPU task in a cluster without GPUs as never placed', () => {
    const a = analyzeCapacity(
      snapshot({
        instances: [instance('i-1')],
        services: [service('train', 'train:1')],
        taskDefinitions: [
          taskDef('train:1', {
            containers: [{ cpu: 1, memory: 1, resourceRequirements: [{ type: 'GPU', value: '1' }] }],
          }),
        ],
      }),
    );
    expect(a.dimensionNames).toContain('GPU');
    expect(a.findings.join('\n')).toMatch(/GPU .*will never be placed/);
  });

  it('names a task definition missing from the snapshot', () => {
    const a = analyzeCapacity(
      snapshot({ instances: [instance('i-1')], services: [service('web', 'web:9')] }),
    );
    expect(a.findings).toEqual([expect.stringMatching(/web:9 of service web is not in the snapshot/)]);
  });
});

describe('analyzeCapacity: unplaced tasks', () => {
  it('counts desired tasks that are neither running nor pending', () => {
    const a = analyzeCapacity(
      snapshot({
        instances: [instance('i-1')],
        services: [service('web', 'web:1', { desired: 5, running: 2, pending: 1 })],
        taskDefinitions: [web],
      }),
    );
    expect(a.unplaced).toEqual([
      {
        service: 'web',
        taskDefinition: tdArn('web:1'),
        count: 2,
        reservation: { CPU: 512, MEMORY: 1024, GPU: 0 },
      },
    ]);
    expect(a.unplacedCount).toBe(2);
  });

  it('does not count new tasks a rollout holds back under maximumPercent as unplaced', () => {
    const rollout = (maximumPercent: number) =>
      analyzeCapacity(
        snapshot({
          instances: [instance('i-1')],
          services: [
            service('web', 'web:2', {
              desired: 4,
              running: 4,
              maximumPercent,
              deployments: [
                deployment('web:2', { desired: 4, running: 2 }),
                deployment('web:1', { status: 'ACTIVE', desired: 2, running: 2 }),
              ],
            }),
          ],
          taskDefinitions: [web, taskDef('web:2', { cpu: '512', memory: '1024' })],
        }),
      ).unplacedCount;
    expect(rollout(100)).toBe(0);
    expect(rollout(200)).toBe(2);
  });
});

describe('analyzeCapacity: empty and degenerate clusters', () => {
  it('has defined figures with no instances', () => {
    const a = analyzeCapacity(snapshot({ services: [service('web', 'web:1')], taskDefinitions: [web] }));
    expect(a.counts.total).toBe(0);
    expect(a.dimensions.CPU).toEqual({
      registered: 0,
      reserved: 0,
      reservationPercent: 0,
      instanceCapacity: 0,
      largestTask: 512,
      thresholdPercent: 0,
    });
    expect(a.schedulableTasks).toBe(0);
  });

  it('has defined figures with no services (threshold 100 %, nothing to size for)', () => {
    const a = analyzeCapacity(snapshot({ instances: [instance('i-1', { usedCpu: 100 })] }));
    expect(a.largestTask.taskDefinition).toBeNull();
    expect(a.dimensions.CPU!.thresholdPercent).toBe(100);
    expect(a.schedulableTasks).toBe(0);
  });

  it('has defined figures with zero registered capacity', () => {
    const a = analyzeCapacity(
      snapshot({
        instances: [instance('i-1', { cpu: 0, mem: 0 })],
        services: [service('web', 'web:1')],
        taskDefinitions: [web],
      }),
    );
    expect(a.dimensions.CPU!.reservationPercent).toBe(0);
    expect(a.dimensions.CPU!.thresholdPercent).toBe(0);
    expect(Number.isNaN(a.dimensions.MEMORY!.reservationPercent)).toBe(false);
  });
});

describe('analyzeCapacity: invariants (property)', () => {
  const arbInstance = fc.record({
    cpu: fc.integer({ min: 0, max: 16384 }),
    mem: fc.integer({ min: 0, max: 65536 }),
    usedCpuShare: fc.double({ min: 0, max: 1, noNaN: true }),
    usedMemShare: fc.double({ min: 0, max: 1, noNaN: true }),
    status: fc.constantFrom('ACTIVE', 'ACTIVE', 'DRAINING', 'INACTIVE'),
    connected: fc.boolean(),
  });
  const arbTask = fc.record({
    cpu: fc.integer({ min: 0, max: 8192 }),
    mem: fc.integer({ min: 0, max: 32768 }),
  });

  it('keeps schedulableTasks ≤ ⌊total remaining / largest⌋ per dimension, reservation in 0..100, no NaN', () => {
    fc.assert(
      fc.property(fc.array(arbInstance, { maxLength: 12 }), fc.array(arbTask, { maxLength: 5 }), (is, ts) => {
        const instances = is.map((x, n) =>
          instance(`i-${n}`, {
            cpu: x.cpu,
            mem: x.mem,
            usedCpu: Math.floor(x.cpu * x.usedCpuShare),
            usedMem: Math.floor(x.mem * x.usedMemShare),
            status: x.status,
            connected: x.connected,
          }),
        );
        const taskDefinitions = ts.map((t, n) =>
          taskDef(`t${n}:1`, { cpu: String(t.cpu), memory: String(t.mem) }),
        );
        const services = ts.map((_, n) => service(`s${n}`, `t${n}:1`));
        const a = analyzeCapacity(snapshot({ instances, services, taskDefinitions }));
        const capacity = a.instances.filter((i) => i.isCapacity);
        for (const d of a.dimensionNames) {
          const dim = a.dimensions[d]!;
          for (const v of Object.values(dim)) expect(Number.isFinite(v)).toBe(true);
          expect(dim.reservationPercent).toBeGreaterThanOrEqual(0);
          expect(dim.reservationPercent).toBeLessThanOrEqual(100);
          expect(dim.thresholdPercent).toBeGreaterThanOrEqual(0);
          expect(dim.thresholdPercent).toBeLessThanOrEqual(100);
          if (dim.largestTask > 0) {
            const totalRemaining = capacity.reduce((s, i) => s + i.remaining[d], 0);
            expect(a.schedulableTasks).toBeLessThanOrEqual(Math.floor(totalRemaining / dim.largestTask));
          }
        }
        expect(Number.isInteger(a.schedulableTasks)).toBe(true);
        expect(a.schedulableTasks).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 300 },
    );
  });
});
