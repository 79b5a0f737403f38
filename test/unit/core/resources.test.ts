import { describe, expect, it } from 'vitest';
import {
  copiesThatFit,
  fits,
  registeredOf,
  remainingOf,
  resourceValue,
  taskReservation,
} from '../../../shared/core/capacity/resources.js';
import { parseTaskSize } from '../../../shared/core/snapshot/task-size.js';
import { instance, taskDef } from './builders.js';

describe('parseTaskSize', () => {
  it.each([
    ['1024', 'vcpu', 1024],
    ['1 vCPU', 'vcpu', 1024],
    ['0.5 vcpu', 'vcpu', 512],
    ['2 GB', 'gb', 2048],
    ['2GB', 'gb', 2048],
    ['512', 'gb', 512],
    ['', 'vcpu', undefined],
    [undefined, 'gb', undefined],
    ['2 GB', 'vcpu', undefined],
    ['lots', 'gb', undefined],
  ] as const)('reads %j as %s → %s', (value, unit, expected) => {
    expect(parseTaskSize(value, unit)).toBe(expected);
  });
});

describe('taskReservation', () => {
  it('uses the task-level cpu and memory when set, whatever the containers say', () => {
    const td = taskDef('t:1', { cpu: '512', memory: '1024', containers: [{ cpu: 2048, memory: 4096 }] });
    expect(taskReservation(td)).toEqual({ CPU: 512, MEMORY: 1024, GPU: 0 });
  });

  it('reads "1 vCPU" / "2 GB" task-level sizes', () => {
    expect(taskReservation(taskDef('t:1', { cpu: '1 vCPU', memory: '2 GB' }))).toEqual({
      CPU: 1024,
      MEMORY: 2048,
      GPU: 0,
    });
  });

  it('sums containers, reserving memoryReservation before memory, 0 when neither is set', () => {
    const td = taskDef('t:1', {
      containers: [{ cpu: 256, memoryReservation: 512, memory: 1024 }, { cpu: 64, memory: 128 }, { cpu: 10 }],
    });
    expect(taskReservation(td)).toEqual({ CPU: 330, MEMORY: 640, GPU: 0 });
  });

  it('sums GPU resource requirements over containers', () => {
    const td = taskDef('t:1', {
      containers: [
        { cpu: 1024, memory: 4096, resourceRequirements: [{ type: 'GPU', value: '2' }] },
        {
          cpu: 0,
          memory: 10,
          resourceRequirements: [
            { type: 'GPU', value: '1' },
            { type: 'InferenceAccelerator', value: 'x' },
          ],
        },
      ],
    });
    expect(taskReservation(td).GPU).toBe(3);
  });

  it('falls back to the containers when the task-level size is unparseable', () => {
    expect(taskReservation(taskDef('t:1', { cpu: 'many', containers: [{ cpu: 100 }] })).CPU).toBe(100);
  });
});

describe('instance resources', () => {
  it('reads registered and remaining, counting a GPU string set by its size', () => {
    const ci = instance('i-1', { cpu: 4096, mem: 15576, gpu: 4, usedCpu: 1024, usedMem: 2048, usedGpu: 1 });
    expect(registeredOf(ci)).toEqual({ CPU: 4096, MEMORY: 15576, GPU: 4 });
    expect(remainingOf(ci)).toEqual({ CPU: 3072, MEMORY: 13528, GPU: 3 });
  });

  it('gives 0 for a missing resource', () => {
    expect(resourceValue([], 'CPU')).toBe(0);
    expect(resourceValue(undefined, 'GPU')).toBe(0);
  });
});

describe('fits / copiesThatFit', () => {
  it('counts copies by the tightest dimension', () => {
    expect(copiesThatFit({ CPU: 512, MEMORY: 1024, GPU: 0 }, { CPU: 2048, MEMORY: 2500, GPU: 0 })).toBe(2);
    expect(fits({ CPU: 512, MEMORY: 1024, GPU: 0 }, { CPU: 511, MEMORY: 4096, GPU: 0 })).toBe(false);
  });

  it('is unbounded for a task that reserves nothing, and never negative', () => {
    expect(copiesThatFit({ CPU: 0, MEMORY: 0, GPU: 0 }, { CPU: 1, MEMORY: 1, GPU: 0 })).toBe(Infinity);
    expect(copiesThatFit({ CPU: 10, MEMORY: 0, GPU: 0 }, { CPU: -50, MEMORY: 1, GPU: 0 })).toBe(0);
  });
});
