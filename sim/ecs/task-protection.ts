/**
 * ECS task scale-in protection state of simulated tasks (set by `UpdateTaskProtection`, sim/coexist.ts).
 * ECS's rule the service scheduler follows: a service scale-in never stops a protected task (ECS Developer
 * Guide, "Protect your Amazon ECS tasks from being terminated by scale-in events"); with fewer unprotected
 * tasks than the surplus, fewer tasks stop. Whether a DRAINING instance waits for protected tasks is not
 * documented (ecs-facts §6): the simulator replaces them as any service task (the conservative reading
 * for the scaler, which must not drain such a host).
 */
import type { SimTask } from './model.js';

const protection = new WeakMap<SimTask, { enabled: boolean; expiresAt: number }>();

/** Records `UpdateTaskProtection` for `task`. */
export const setTaskProtection = (task: SimTask, enabled: boolean, expiresAt: number): void => {
  protection.set(task, { enabled, expiresAt });
};

/** The protection as last set, or undefined. */
export const taskProtection = (task: SimTask): { enabled: boolean; expiresAt: number } | undefined =>
  protection.get(task);

/** Whether `task` is protected at `nowMs`. */
export const isTaskProtected = (task: SimTask, nowMs: number): boolean => {
  const p = protection.get(task);
  return p?.enabled === true && p.expiresAt > nowMs;
};
