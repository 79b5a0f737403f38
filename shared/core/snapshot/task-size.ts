/**
 * Task-level size strings as ECS accepts them. Kept apart from the snapshot schema and the resource
 * vectors so both can use it without importing each other.
 */

/**
 * Parses a task-level `cpu` or `memory` string. The API accepts "1024" or "1 vCPU" for CPU and "2048" or
 * "2 GB" for memory (RegisterTaskDefinition converts, but recorded files may hold either form).
 * @returns CPU units or MiB, or undefined when absent/unparseable.
 */
export const parseTaskSize = (value: string | undefined, unit: 'vcpu' | 'gb'): number | undefined => {
  if (value === undefined || value.trim() === '') return undefined;
  const plain = Number(value);
  if (Number.isFinite(plain)) return plain;
  const m = /^\s*([\d.]+)\s*(vcpu|gb)\s*$/i.exec(value);
  if (!m || m[2]!.toLowerCase() !== unit) return undefined;
  return Math.round(Number(m[1]) * 1024);
};
