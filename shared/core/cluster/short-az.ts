/**
 * EC2 out of capacity in one Availability Zone (InsufficientInstanceCapacity for the group's types there).
 * With its default AZ strategy (`balanced-best-effort`) the ASG then launches in another AZ. The placement
 * model puts a group's new instance in its AZ with the fewest members (place.ts), as the ASG does when it
 * can: for tasks bound to the short AZ (memberOf on the AZ, awsvpc subnets there) each scale-out bought
 * more instances that landed elsewhere, and the group grew to MaxSize (random worlds with a shortage in the
 * AZ of a bound service: 30 instances where 1–3 ran the other services).
 *
 * No API the scaler reads says so (DescribeScalingActivities would, at one more call per group). The
 * evidence, within 600 s of the scaler's own scale-out: a member just launched (Pending, or in service and
 * unregistered) in an AZ holding at least two members more than another AZ of the group, where nothing
 * landed since the scale-out — the ASG balances, so when it launched there the other AZ could not take
 * it. The scaler records that AZ (`short-az` tag), and for {@link RETRY_SECONDS} after the evidence the
 * group's new instances are modelled in its other AZs only: tasks bound to the short AZ are not bought for,
 * and the reasons say why. Then the next scale-out is a probe: at most a round of the ASG's balancing that
 * reaches the AZ (each other AZ one member more than it holds, then it: one launch per AZ when they are
 * even). A launch that lands in the AZ ends the record; a probe none of whose launches lands there starts it
 * again. A probe waits (at most another {@link RETRY_SECONDS}) while the group's idle members count their
 * unneeded time: its launches would restart that count, and with several groups probing in turn, each one's
 * launches in flight holding the others' scale-in, a group's idle hosts never went (random world 1156572:
 * 3 -> 10 over four hours).
 */
import type { AutoScalingGroup, ClusterSnapshot } from '../snapshot/snapshot.js';
import { readScalingState, STATE_TAGS, tagValue } from './config.js';
import { parseUnneededState } from './unneeded.js';

/**
 * How long a short AZ takes no new instance after the evidence, seconds: longer than the scale-in
 * cooldown and pacing (900 + 600 s by default), so the instances a probe put elsewhere are drained before
 * the next probe, and probes do not keep the group from ever scaling in.
 */
export const RETRY_SECONDS = 1800;

/**
 * A group's short AZ: `az`, taken out of where its new instances go; `probe`, its record is older than
 * {@link RETRY_SECONDS}; `write`, the `short-az` tag value to write ('' clears it).
 */
export interface ShortAz {
  az?: string;
  probe?: boolean;
  write?: string | undefined;
  /** How many launches a probe makes (a round of the ASG's balancing that reaches the short AZ). */
  zones: number;
}

/** The short AZ of each managed group that has one, or a record to clear. */
export const shortZones = (
  snapshot: ClusterSnapshot,
  managed: readonly AutoScalingGroup[],
  nowMs: number,
): Map<string, ShortAz> => {
  const registered = new Map(
    snapshot.containerInstances.map((c) => [c.ec2InstanceId, Date.parse(c.registeredAt ?? '')]),
  );
  const out = new Map<string, ShortAz>();
  for (const g of managed) {
    let state: ReturnType<typeof readScalingState>;
    try {
      state = readScalingState(g.Tags);
    } catch {
      continue; // the planner reports a bad state tag and writes nothing
    }
    const rec = state.shortAz;
    const zones = g.AvailabilityZones ?? [];
    const live = g.Instances.filter((i) => /^(Pe|In)/.test(i.LifecycleState));
    // Members per AZ, counted once (the checks below ask it per AZ and per launching member).
    const perAz = new Map<string | undefined, number>();
    for (const i of live) perAz.set(i.AvailabilityZone, (perAz.get(i.AvailabilityZone) ?? 0) + 1);
    const count = (z?: string) => perAz.get(z) ?? 0;
    // The scaler's own launches only (within 600 s of its last scale-out): a replacement the ASG launched
    // (Capacity Rebalancing, while the at-risk member was still there) leaves a gap once that member goes,
    // with no shortage (random world 1078155: us-east-1b taken for short, its bound tasks held).
    const launching =
      nowMs - (state.lastScaleOutMs ?? 0) <= 600_000
        ? live.filter((m) => m.LifecycleState !== 'InService' || !registered.has(m.InstanceId))
        : [];
    // A launch landed in `z`: a member there still launching (Pending), or registered after `sinceMs`. Not
    // one in service and unregistered: it may be one whose container instance someone deregistered — taken
    // for a launch landing in the short AZ, it ended the record at every scale-out and the group grew to
    // MaxSize 30 (random world 1075469).
    const landed = (z: string, sinceMs: number) =>
      live.some(
        (m) =>
          m.AvailabilityZone === z &&
          (m.LifecycleState !== 'InService' || (registered.get(m.InstanceId) ?? 0) > sinceMs),
      );
    // And none landed in that AZ since the last scale-out: where EC2 cannot launch nothing lands. A launch
    // there means the gap is something else — a member of that AZ that left meanwhile (Capacity
    // Rebalancing terminated an at-risk one after its replacement went elsewhere: random world 1040621
    // took us-east-1c for short, with no shortage, and held a task bound there 30 minutes).
    const seen = zones.find(
      (z) =>
        !landed(z, state.lastScaleOutMs ?? nowMs) &&
        launching.some((m) => count(z) <= count(m.AvailabilityZone) - 2),
    );
    // A probe waits while the group's idle members count their unneeded time (a step of the staircase
    // since its last scale-out), at most RETRY_SECONDS more: its launches would restart that count.
    const counting = parseUnneededState(tagValue(g.Tags, STATE_TAGS.unneeded)).steps.some(
      (s) => s.since * 1000 >= (state.lastScaleOutMs ?? 0),
    );
    const expired = !!rec && nowMs - rec.ms > RETRY_SECONDS * (counting ? 2000 : 1000);
    // A launch landed there since, or the group no longer spans it: not short any more.
    const back = !!rec && (!zones.includes(rec.az) || landed(rec.az, rec.ms));
    // The probe was made (a scale-out after the record expired), nothing landed there, and a launch of it
    // went where the AZ was as empty (a tie the ASG could have broken for it): the record starts again.
    // The evidence above needs two members more elsewhere, which one round does not show when the AZ holds
    // one: the round went around it, and the next decision probed again (random world 1089383: five
    // g4dn.xlarge per probe where three are the round, every 30 minutes). Not when every launch went where
    // the ASG's balancing sends it anyway (the AZ fuller): the probe goes on until one could have gone there.
    const probed =
      expired &&
      (state.lastScaleOutMs ?? 0) > rec.ms + RETRY_SECONDS * 1000 &&
      launching.some((m) => count(rec.az) < count(m.AvailabilityZone));
    const az = seen ?? (probed && !back ? rec.az : undefined);
    if (az)
      out.set(g.AutoScalingGroupName, {
        az,
        zones: zones.length,
        write: seen === rec?.az && !expired && !back ? undefined : `${az}@${Math.floor(nowMs / 1000)}`,
      });
    else if (rec)
      out.set(
        g.AutoScalingGroupName,
        back
          ? { write: '', zones: zones.length }
          : // A probe's round: launches until the ASG's balancing reaches the AZ, each other AZ holding one more
            // than it does (a tie may be broken elsewhere): one per AZ when they are even. A round of three
            // where the AZ held a member someone drained (the ASG counts it) and the others none went to
            // the others and the tie, and was taken as "went around it" (random world 1168694).
            {
              az: rec.az,
              probe: expired,
              zones: zones.reduce((n, z) => n + Math.max(0, count(rec.az) + 1 - count(z)), 0),
            },
      );
  }
  return out;
};

/** The snapshot with each short AZ (not probed) taken out of its group's AvailabilityZones. */
export const withoutShortZones = (
  snapshot: ClusterSnapshot,
  short: Map<string, ShortAz>,
): ClusterSnapshot => ({
  ...snapshot,
  autoScalingGroups: snapshot.autoScalingGroups.map((g) => {
    const s = short.get(g.AutoScalingGroupName);
    const zones = g.AvailabilityZones?.filter((z) => z !== s?.az);
    return s?.az && !s.probe && zones?.length ? { ...g, AvailabilityZones: zones } : g;
  }),
});
