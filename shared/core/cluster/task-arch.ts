/**
 * The architecture a task needs, as the scaler reads it from the operator's statements: a `memberOf`
 * constraint on `ecs.cpu-architecture`, else `runtimePlatform.cpuArchitecture`. Shared by scale-out's
 * CPU/memory sizing (fleet-scale-out.ts), the placement model's headroom and scale-in's, so all three
 * keep the headroom on hosts of the same architecture (a mismatch undid drains: scale-in kept arm64
 * headroom on x86 room, scale-out then wanted it on arm64 hosts). Pure.
 */
import { type CapacityAnalysis, headroomDefinition } from '../capacity/capacity.js';
import type { ClusterSnapshot } from '../snapshot/snapshot.js';

/** Architecture a service or task definition needs (by service name or task definition ARN). */
export type ArchOf = (label: string) => 'x86_64' | 'arm64' | undefined;

const ARCH_CONSTRAINT = /attribute:ecs\.cpu-architecture\s*==\s*(arm64|x86_64)/;

/**
 * The architecture a service's tasks need: a `memberOf` placement constraint on `ecs.cpu-architecture`
 * (service or task definition), else the task definition's `runtimePlatform.cpuArchitecture`. Undefined:
 * any (ecs-facts: whether ECS filters EC2 hosts by runtimePlatform alone is unconfirmed; the scaler
 * trusts the operator's stated architecture either way).
 */
export const archOfServices = (snapshot: ClusterSnapshot): ArchOf => {
  const byLabel = new Map<string, 'x86_64' | 'arm64'>();
  const tdArch = new Map<string, 'x86_64' | 'arm64'>();
  for (const td of snapshot.taskDefinitions) {
    const raw = td as Record<string, unknown>;
    const constraint = ((raw.placementConstraints as { expression?: string }[] | undefined) ?? [])
      .map((c) => ARCH_CONSTRAINT.exec(c.expression ?? '')?.[1])
      .find(Boolean);
    const platform = (raw.runtimePlatform as { cpuArchitecture?: string } | undefined)?.cpuArchitecture;
    const arch =
      constraint ?? (platform === 'ARM64' ? 'arm64' : platform === 'X86_64' ? 'x86_64' : undefined);
    if (arch) tdArch.set(td.taskDefinitionArn, arch as 'x86_64' | 'arm64');
  }
  for (const s of snapshot.services) {
    const raw = s as Record<string, unknown>;
    const constraint = ((raw.placementConstraints as { expression?: string }[] | undefined) ?? [])
      .map((c) => ARCH_CONSTRAINT.exec(c.expression ?? '')?.[1])
      .find(Boolean) as 'x86_64' | 'arm64' | undefined;
    const arch = constraint ?? (s.taskDefinition ? tdArch.get(s.taskDefinition) : undefined);
    if (arch) byLabel.set(s.serviceName, arch);
  }
  return (label) => byLabel.get(label) ?? tdArch.get(label);
};

/**
 * The architecture the headroom task (the largest wanted task, capacity.ts) needs, undefined: any. The
 * same reading fleet-scale-out.ts uses for its headroom item.
 */
export const headroomArch = (
  snapshot: ClusterSnapshot,
  analysis: Pick<CapacityAnalysis, 'largestTask'>,
): 'x86_64' | 'arm64' | undefined => archOfServices(snapshot)(headroomDefinition(analysis));
