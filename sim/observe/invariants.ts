/**
 * Invariants checked at every timeline sample (the others are recorded where they happen: instance
 * terminated with tasks and lifecycle-action timeouts in the ASG world):
 * ASG desired within [min, max]; a service below its desired count for longer than N seconds.
 */
import type { AsgWorld } from '../asg/asg-world.js';
import type { SimContext } from '../core/context.js';
import type { EcsWorld } from '../ecs/ecs-world.js';
import type { SimService } from '../ecs/model.js';

/** Per-sample invariant checker (reports each pending episode once). */
export class SampleInvariants {
  private readonly reportedPending = new Set<SimService>();

  constructor(private readonly pendingTooLongSeconds: number) {}

  /** Checks the worlds now and records violations through `ctx`. */
  check(ctx: SimContext, ecs: EcsWorld, asg: AsgWorld): void {
    for (const g of asg.groups.values()) {
      if (g.desired < g.min || g.desired > g.max) {
        ctx.violation(
          'desired-outside-min-max',
          `ASG ${g.name} desired ${g.desired} is outside [${g.min}, ${g.max}].`,
          { asg: g.name },
        );
      }
    }
    const limitMs = this.pendingTooLongSeconds * 1000;
    for (const c of ecs.clusters.values()) {
      for (const s of c.services.values()) {
        const since = s.unplacedSince;
        if (since === undefined) {
          this.reportedPending.delete(s);
        } else if (!this.reportedPending.has(s) && ctx.clock.nowMs - since > limitMs) {
          this.reportedPending.add(s);
          ctx.violation(
            'task-pending-too-long',
            `Service ${s.name} has had unplaced tasks for more than ${this.pendingTooLongSeconds} s.`,
            {
              cluster: c.name,
              service: s.name,
            },
          );
        }
      }
    }
  }
}
