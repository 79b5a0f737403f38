/**
 * `groupCouldRun` (fleet-model.ts): whether a group could ever run a waiting task by the rules (and a GPU), on
 * one of its registered instances or a new one of a type it launches. A group that could not goes on
 * scaling in while the task waits at another group's MaxSize (planner.ts).
 */
import { describe, expect, it } from 'vitest';
import { groupCouldRun } from '../../../shared/core/cluster/fleet-model.js';
import type { FleetGroup } from '../../../shared/core/cluster/fleet-plan.js';
import type { ClusterPlacement } from '../../../shared/core/cluster/placement-context.js';
import { node, req } from '../placement/builders.js';

/** A group whose one member is `i-a` (no launch options: its registered instance only). */
const group = {
  group: { Instances: [{ InstanceId: 'i-a' }] },
  fleet: { options: [], group: 'g' },
} as unknown as FleetGroup;
/** A new instance of `type` as the placement context builds it: its registered room, no daemons here. */
const templateOf = (type: string, registered: { CPU: number; MEMORY: number; GPU?: number }) => ({
  ...node({ id: `new-${type}`, type }),
  free: { CPU: registered.CPU, MEMORY: registered.MEMORY, GPU: registered.GPU ?? 0 },
  isNew: true,
});
/** One registered m5.large member with `cpu` units free. */
const placement = (arch: string, cpu?: number) =>
  ({
    nodes: [node({ id: 'a', arch, ...(cpu === undefined ? {} : { cpu }) })],
    templateOf,
  }) as unknown as ClusterPlacement;

describe('groupCouldRun', () => {
  it("by the rules of the group's instances, not their room", () => {
    const arm = req({ arch: 'ARM64', cpu: 2048 });
    expect(groupCouldRun(placement('x86_64', 512), group, [arm])).toBe(false);
    // 2,048 CPU units do not fit on the 512 free: room aside, an arm64 host of that size could run it.
    expect(groupCouldRun(placement('arm64', 512), group, [arm])).toBe(true);
  });

  it('by size too: a GPU task never runs on a type without GPUs, nor a task larger than a new instance', () => {
    // The group launches `type`; its template is a new instance of it (room as registered).
    const sized = (type: string, gpu = 0) => {
      const g = {
        group: { Instances: [{ InstanceId: 'i-a' }] },
        fleet: { options: [{ instanceType: type, registered: {}, weight: 1 }], group: 'g' },
      } as unknown as FleetGroup;
      const p = {
        nodes: [node({ id: 'a', type, gpu })],
        templateOf: () => ({ ...node({ id: 'new', type, gpu }), isNew: true }),
      } as unknown as ClusterPlacement;
      return (r: ReturnType<typeof req>) => groupCouldRun(p, g, [r]);
    };
    expect(sized('m5.large')(req({ gpu: 1 }))).toBe(false);
    expect(sized('g4dn.xlarge', 1)(req({ gpu: 1 }))).toBe(true);
    // 4,096 CPU units: more than a new m5.large registers (2,048), so never, however empty it is.
    expect(sized('m5.large')(req({ cpu: 4096 }))).toBe(false);
    expect(sized('m5.large')(req({ cpu: 1024 }))).toBe(true);
  });

  it('a member of a type the group no longer launches is sized as its own type, not taken as able', () => {
    // The launch template moved from t3.medium to t3.large; the t3.medium members stay. A task of 4,096
    // CPU units fits neither (2,048 each): the group could never run it, and its idle t3.medium go
    // (random world 973442: they had no template to be sized by and counted as able, kept for good).
    const g = {
      group: { Instances: [{ InstanceId: 'i-a' }] },
      fleet: { options: [{ instanceType: 't3.large', registered: {}, weight: 1 }], group: 'g' },
    } as unknown as FleetGroup;
    const p = { nodes: [node({ id: 'a', type: 't3.medium' })], templateOf } as unknown as ClusterPlacement;
    expect(groupCouldRun(p, g, [req({ cpu: 4096 })])).toBe(false);
    expect(groupCouldRun(p, g, [req({ cpu: 4096 })], 'i-a')).toBe(false);
    // A task of 3,072 MiB fits a new t3.large and a t3.medium (3,763 MiB registered): it could.
    expect(groupCouldRun(p, g, [req({ cpu: 1024, memory: 3072 })], 'i-a')).toBe(true);
  });

  it('a used host port does not hide the rules: memberOf on another family still says never', () => {
    // The port is taken now (room), the type is wrong for good (rules): the refusal for the port came
    // first and the host "could run" the task (world 268732: an r5 group kept idle hosts for a c5 task).
    const busy = {
      nodes: [node({ id: 'a', type: 'r5.xlarge', tcpUsed: [8080] })],
      templateOf,
    } as unknown as ClusterPlacement;
    const c5Only = req({ tcp: [8080], memberOf: 'attribute:ecs.instance-type =~ c5.*' });
    expect(groupCouldRun(busy, group, [c5Only])).toBe(false);
    expect(groupCouldRun(busy, group, [req({ tcp: [8080] })])).toBe(true);
  });

  it('a task whose requirements are not known could run anywhere', () => {
    expect(groupCouldRun(placement('x86_64'), group, [req({ arch: 'ARM64' }), undefined])).toBe(true);
  });
});
