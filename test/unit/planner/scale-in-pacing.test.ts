import { describe, expect, it } from 'vitest';
import {
  countCap,
  MAX_COUNTED_PER_DECISION,
  MAX_REMOVALS_PER_DECISION,
} from '../../../shared/core/cluster/scale-in.js';
import { paceScaleIn } from '../../../shared/core/cluster/scale-in-pacing.js';
import {
  afterRemoval,
  formatUnneeded,
  formatUnneededState,
  MAX_STEPS,
  observeUnneeded,
  parseUnneeded,
  parseUnneededState,
  ripeCount,
} from '../../../shared/core/cluster/unneeded.js';
import { ago, type InstanceSpec, NOW, planOf, snapshotOf, taskOn } from './builders.js';

const T = Math.floor(NOW.getTime() / 1000);
const id = (n: number): string => `i-${String(n).padStart(17, '0')}`;
const web = (n: number, k: number, extra: Partial<InstanceSpec> = {}): InstanceSpec => ({
  id: id(n),
  usedCpu: 512 * k,
  usedMem: 1024 * k,
  running: k,
  ...extra,
});
const WEB = { name: 'web', cpu: 512, mem: 1024, desired: 6 };
/** Five 4,096 / 8,192 instances, 6 web tasks: four can go (one holds 6 tasks plus the headroom). */
const idle = (tags: Record<string, string> = {}) =>
  snapshotOf({
    instances: [web(1, 2), web(2, 1), web(3, 1), web(4, 1), web(5, 1)],
    services: [WEB],
    group: { tags },
  });
const PACED = { scaleInUnneededSeconds: 600 };
/** `n` instances, one web task on the first: the other `n` − 1 could go. */
const surplus = (n: number, tags: Record<string, string>) =>
  snapshotOf({
    instances: [web(1, 1), ...Array.from({ length: n - 1 }, (_, k) => web(k + 2, 0))],
    services: [{ ...WEB, desired: 1 }],
    group: { min: 0, max: 40, tags },
  });
/** Pacing inputs of a quiet group: no scale-out on record, demand 6, 600 s unneeded time. */
const QUIET = {
  sinceLastScaleOutSeconds: Number.POSITIVE_INFINITY,
  cooldownSeconds: 900,
  unneededSeconds: 600,
  lastScaleOutMs: undefined,
  demand: 6,
  now: NOW,
};

describe('unneeded staircase', () => {
  it('starts a step when instances become removable and keeps its time while they stay so', () => {
    const a = observeUnneeded([], 2, 1000);
    expect(a).toEqual([{ count: 2, since: 1000 }]);
    const b = observeUnneeded(a, 3, 1060);
    expect(b).toEqual([
      { count: 2, since: 1000 },
      { count: 3, since: 1060 },
    ]);
    expect(observeUnneeded(b, 3, 1120)).toEqual(b);
  });

  it('lowers the steps above a smaller count to it, keeping the earliest time', () => {
    const steps = [
      { count: 1, since: 900 },
      { count: 3, since: 1000 },
      { count: 5, since: 1100 },
    ];
    expect(observeUnneeded(steps, 4, 1200)).toEqual([
      { count: 1, since: 900 },
      { count: 3, since: 1000 },
      { count: 4, since: 1100 },
    ]);
    expect(observeUnneeded(steps, 0, 1200)).toEqual([]);
  });

  it('counts as ripe the highest step unneeded for the whole window', () => {
    const steps = [
      { count: 1, since: 900 },
      { count: 3, since: 1000 },
    ];
    expect(ripeCount(steps, 1499, 600)).toBe(0);
    expect(ripeCount(steps, 1500, 600)).toBe(1);
    expect(ripeCount(steps, 1600, 600)).toBe(3);
    expect(afterRemoval(steps, 1)).toEqual([{ count: 2, since: 1000 }]);
  });

  it('round-trips through the tag, stays bounded, and reads a tampered value as empty', () => {
    let steps = observeUnneeded([], 1, 1000);
    for (let n = 2; n <= 20; n++) steps = observeUnneeded(steps, n, 1000 + n);
    expect(steps.length).toBe(MAX_STEPS);
    const value = formatUnneeded(steps);
    expect(value.length).toBeLessThanOrEqual(256);
    expect(parseUnneeded(value)).toEqual(steps);
    expect(parseUnneeded('3@100,2@200')).toEqual([]);
    expect(parseUnneededState(`57:${value}`)).toEqual({ demand: 57, steps });
    expect(formatUnneededState({ demand: 57, steps })).toBe(`57:${value}`);
    expect(formatUnneededState({ demand: 57, steps: [] })).toBe('');
    expect(parseUnneeded('lots')).toEqual([]);
  });
});

describe('planCluster — scale-in pacing (per instance, as cluster-autoscaler)', () => {
  it('holds removable instances until they have been unneeded for the window, remembering since when', () => {
    const plan = planOf(idle(), PACED);
    expect(plan.action).toBe('hold');
    expect(plan.drain).toEqual([]);
    expect(plan.stateTags['ecs-autoscaler:unneeded']).toBe(`6:4@${T}`);
    expect(plan.reasons.join('\n')).toMatch(/4 instance\(s\) could go, unneeded for 0 s of the 600 s/);
  });

  it('drains several at once once they have been unneeded for the window', () => {
    const plan = planOf(idle({ 'ecs-autoscaler:unneeded': `6:4@${T - 600}` }), PACED);
    expect(plan.action).toBe('scale-in');
    expect(plan.drain).toHaveLength(4);
    expect(plan.desiredCapacity).toEqual({ current: 5, proposed: 1 });
    expect(plan.stateTags['ecs-autoscaler:unneeded']).toBe('');
  });

  it('drains only as many as have been unneeded long enough', () => {
    const plan = planOf(idle({ 'ecs-autoscaler:unneeded': `6:1@${T - 700},4@${T - 120}` }), PACED);
    expect(plan.drain).toHaveLength(1);
    expect(plan.stateTags['ecs-autoscaler:unneeded']).toBe(`6:3@${T - 120}`);
    expect(plan.reasons.join('\n')).toMatch(/3 more wait/);
  });

  it('forgets unneeded time from before the last scale-out', () => {
    const plan = planOf(
      idle({
        'ecs-autoscaler:unneeded': `6:4@${T - 2000}`,
        'ecs-autoscaler:last-scale-out': ago(1000),
      }),
      PACED,
    );
    expect(plan.action).toBe('hold');
    expect(plan.stateTags['ecs-autoscaler:unneeded']).toBe(`6:4@${T}`);
  });

  it('counts unneeded time during the cooldown after a scale-out, and drains right after it', () => {
    const during = planOf(idle({ 'ecs-autoscaler:last-scale-out': ago(700) }), PACED);
    expect(during.action).toBe('hold');
    expect(during.reasons.join('\n')).toMatch(/scale-in cooldown: the last scale-out was 700 s ago/);
    expect(during.stateTags['ecs-autoscaler:unneeded']).toBe(`6:4@${T}`);
    const after = planOf(
      idle({ 'ecs-autoscaler:last-scale-out': ago(900), 'ecs-autoscaler:unneeded': `6:4@${T - 600}` }),
      PACED,
    );
    expect(after.action).toBe('scale-in');
    expect(after.drain).toHaveLength(4);
  });

  it('starts again while the load climbs: demand above what it was when the count began', () => {
    // The count began at 4 desired tasks; 6 are desired now: nothing drains, the count restarts at 6.
    const plan = planOf(idle({ 'ecs-autoscaler:unneeded': `4:4@${T - 600}` }), PACED);
    expect(plan.action).toBe('hold');
    expect(plan.stateTags['ecs-autoscaler:unneeded']).toBe(`6:4@${T}`);
    expect(plan.reasons.join('\n')).toMatch(/demand rose from 4 to 6 desired tasks/);
    // A fall of the demand does not restart it.
    const falling = planOf(idle({ 'ecs-autoscaler:unneeded': `9:4@${T - 600}` }), PACED);
    expect(falling.action).toBe('scale-in');
  });

  it('does not wait after its own scale-in: the cooldown guards only against undoing a scale-out', () => {
    const plan = planOf(
      idle({ 'ecs-autoscaler:last-scale-in': ago(60), 'ecs-autoscaler:unneeded': `6:4@${T - 600}` }),
      PACED,
    );
    expect(plan.action).toBe('scale-in');
  });

  it('counts up to MAX_COUNTED_PER_DECISION and drains at most MAX_REMOVALS_PER_DECISION; the rest keep their age', () => {
    // Fourteen instances, one web task: thirteen could go, all counted (below the count's cap).
    const big = (tags: Record<string, string>) => surplus(14, tags);
    expect(MAX_REMOVALS_PER_DECISION).toBe(10);
    expect(MAX_COUNTED_PER_DECISION).toBe(30);
    const first = planOf(big({}), PACED);
    expect(first.action).toBe('hold');
    expect(first.stateTags['ecs-autoscaler:unneeded']).toBe(`1:13@${T}`);
    const ripe = planOf(big({ 'ecs-autoscaler:unneeded': `1:13@${T - 600}` }), PACED);
    expect(ripe.action).toBe('scale-in');
    expect(ripe.drain).toHaveLength(10);
    expect(ripe.drain.map((d) => d.ec2InstanceId)).not.toContain(id(1));
    expect(ripe.desiredCapacity.proposed).toBe(4);
    // The three beyond this decision's ten have been unneeded as long: they keep their age.
    expect(ripe.stateTags['ecs-autoscaler:unneeded']).toBe(`1:3@${T - 600}`);
    expect(ripe.reasons.join('\n')).toMatch(/at most 10 per decision/);
  });

  it('a surplus of which only part is ripe keeps the age of the rest beyond the drain cap (world 1127691)', () => {
    // One instance unneeded for 600 s, thirteen for 420 s: the ripe one drains, and the twelve others keep
    // their 420 s. Counted at 10 (the drain cap), they were taken as 9 old and 1 new — the new one started
    // its 600 s again, and the surplus went in rounds ten minutes apart.
    const big = (tags: Record<string, string>) => surplus(14, tags);
    const one = planOf(big({ 'ecs-autoscaler:unneeded': `1:1@${T - 600},13@${T - 420}` }), PACED);
    expect(one.drain).toHaveLength(1);
    expect(one.stateTags['ecs-autoscaler:unneeded']).toBe(`1:12@${T - 420}`);
    // Once the twelve have been unneeded 600 s, ten drain, and the last two keep their age.
    const rest = paceScaleIn({
      tags: [{ Key: 'ecs-autoscaler:unneeded', Value: `1:12@${T - 600}` }],
      removable: 12,
      saturated: false,
      ...QUIET,
      demand: 1,
    });
    expect(rest.drain).toBe(10);
    expect(rest.tag).toBe(`1:2@${T - 600}`);
  });

  it('of equally empty hosts drains the one registered longest (world 1107988)', () => {
    // One host unneeded for 600 s, a second for 120 s: one drains. The staircase says how many, not which;
    // a host that registered 2 minutes ago cannot be the one unneeded for 10, so the older one goes,
    // whichever the instance ARN ranks first (it decided the tie before: the new host could drain and the
    // old one start its 600 s again).
    const oneOf = (newer: number, older: number) =>
      planOf(
        snapshotOf({
          instances: [
            web(1, 1),
            web(newer, 0, { registeredAgo: 120, az: 'us-east-1b' }),
            web(older, 0, { registeredAgo: 3_000, az: 'us-east-1b' }),
          ],
          services: [{ ...WEB, desired: 1 }],
          group: { min: 0, tags: { 'ecs-autoscaler:unneeded': `1:1@${T - 600},2@${T - 120}` } },
        }),
        PACED,
      );
    for (const [newer, older] of [
      [2, 3],
      [3, 2],
    ] as const) {
      const plan = oneOf(newer, older);
      expect(plan.action).toBe('scale-in');
      expect(plan.drain.map((d) => d.ec2InstanceId)).toEqual([id(older)]);
      expect(plan.stateTags['ecs-autoscaler:unneeded']).toBe(`1:1@${T - 120}`);
    }
  });

  it('counts fewer beyond the drain cap on large clusters (bounded work per decision)', () => {
    expect(countCap(30)).toBe(MAX_COUNTED_PER_DECISION);
    expect(countCap(1_000)).toBe(30);
    expect(countCap(2_000)).toBe(15);
    expect(countCap(3_000)).toBe(MAX_REMOVALS_PER_DECISION);
    expect(countCap(5_000)).toBe(10);
  });

  it('keeps the count when its cap bound it and every counted instance is ripe', () => {
    // Thirty-six instances, one web task: thirty-five could go; the count stops at its cap.
    const huge = (tags: Record<string, string>) => surplus(36, tags);
    const first = planOf(huge({}), PACED);
    expect(first.stateTags['ecs-autoscaler:unneeded']).toBe(`1:30@${T}`);
    const ripe = planOf(huge({ 'ecs-autoscaler:unneeded': `1:30@${T - 600}` }), PACED);
    expect(ripe.drain).toHaveLength(10);
    // More were removable than counted: the unneeded time is not restarted for the rest.
    expect(ripe.stateTags['ecs-autoscaler:unneeded']).toBeUndefined();
    expect(ripe.reasons.join('\n')).toMatch(/at most 10 per decision/);
  });

  it('drops the count after a drain the cap did not bound', () => {
    const pace = paceScaleIn({
      tags: [{ Key: 'ecs-autoscaler:unneeded', Value: `6:4@${T - 600}` }],
      removable: 4,
      saturated: false,
      ...QUIET,
    });
    expect(pace.drain).toBe(4);
    expect(pace.tag).toBe('');
    const capped = paceScaleIn({
      tags: [{ Key: 'ecs-autoscaler:unneeded', Value: `6:4@${T - 600}` }],
      removable: 4,
      saturated: true,
      ...QUIET,
    });
    expect(capped.drain).toBe(4);
    expect(capped.tag).toBeUndefined();
  });

  it('a saturated count keeps its age when some of the ripe wait for their task lists', () => {
    // Ten counted (the cap; more were removable), all unneeded for 600 s, nine lists read: nine drain now.
    // The ones beyond the cap have been unneeded as long: the staircase is kept, so the next decision
    // drains the rest without waiting 600 s again. Before, the nine were taken off the step (one left),
    // and the surplus the cap had not counted started its unneeded time anew.
    const input = {
      tags: [{ Key: 'ecs-autoscaler:unneeded', Value: `4:10@${T - 600}` }],
      removable: 10,
      saturated: true,
      ...QUIET,
      demand: 4,
    };
    const nine = paceScaleIn({ ...input, drainable: 9 });
    expect(nine.drain).toBe(9);
    expect(nine.tag).toBeUndefined();
    // Not saturated: the nine come off the step, the tenth keeps its age.
    const bounded = paceScaleIn({ ...input, saturated: false, drainable: 9 });
    expect(bounded.drain).toBe(9);
    expect(bounded.tag).toBe(`4:1@${T - 600}`);
    // Saturated but not all ripe: the ripe ones come off (the others' younger step stays).
    const young = paceScaleIn({
      ...input,
      tags: [{ Key: 'ecs-autoscaler:unneeded', Value: `4:3@${T - 600},10@${T - 60}` }],
    });
    expect(young.drain).toBe(3);
    expect(young.tag).toBe(`4:7@${T - 60}`);
  });

  it('keeps the staircase while the lists the count needs are unread, and lets it rise (world 677384)', () => {
    const input = {
      tags: [{ Key: 'ecs-autoscaler:unneeded', Value: `6:1@${T - 420}` }],
      removable: 0,
      ...QUIET,
    };
    // Counted without a list it needed, nothing looked removable: an unread list is no evidence of need.
    expect(paceScaleIn({ ...input, unread: true })).toMatchObject({ drain: 0, tag: undefined });
    // Counted with every list it needed, nothing is removable: the unneeded time starts again.
    expect(paceScaleIn(input)).toMatchObject({ drain: 0, tag: '' });
    // A higher count still adds its step; the kept one ripens on time.
    const more = paceScaleIn({ ...input, removable: 2, unread: true });
    expect(more.tag).toBe(`6:1@${T - 420},2@${T}`);
    const ripe = paceScaleIn({
      ...input,
      tags: [{ Key: 'ecs-autoscaler:unneeded', Value: `6:1@${T - 600}` }],
      removable: 1,
      unread: true,
    });
    expect(ripe.drain).toBe(1);
  });

  it('a count its unread lists bounded keeps its age when all of it drains (world 1022170)', () => {
    // 26 idle hosts beyond MinSize, but a decision reads 11 lists (two rounds): the count is 11, "at least"
    // as a saturated one is. All 11 ripe: 10 drain and the staircase stays, so the next decision's 11 (one
    // left, ten newly read, all idle as long) drain without another 600 s. Before, the ten came off the step
    // and the hosts beyond the count waited 600 s per round of 10.
    const input = {
      tags: [{ Key: 'ecs-autoscaler:unneeded', Value: `2:11@${T - 600}` }],
      removable: 11,
      ...QUIET,
      demand: 2,
    };
    const first = paceScaleIn({ ...input, unread: true });
    expect(first.drain).toBe(10);
    expect(first.tag).toBeUndefined();
    expect(first.reasons.join(' ')).toContain('drain the 10 emptiest now (at most 10 per decision)');
    // Every list it needed read: the count is exact, the ten come off the step.
    const exact = paceScaleIn(input);
    expect(exact.drain).toBe(10);
    expect(exact.tag).toBe(`2:1@${T - 600}`);
    // Unread, fewer than 10 and all ripe: all drain, the step is kept, no word of a cap.
    const few = paceScaleIn({
      ...input,
      tags: [{ Key: 'ecs-autoscaler:unneeded', Value: `2:4@${T - 600}` }],
      removable: 4,
      unread: true,
    });
    expect(few).toMatchObject({ drain: 4, tag: undefined });
    expect(few.reasons.join(' ')).not.toContain('at most');
    // Unread but not all ripe: the ripe ones come off (the younger step stays).
    const young = paceScaleIn({
      ...input,
      tags: [{ Key: 'ecs-autoscaler:unneeded', Value: `2:3@${T - 600},11@${T - 60}` }],
      unread: true,
    });
    expect(young.drain).toBe(3);
    expect(young.tag).toBe(`2:8@${T - 60}`);
  });

  it('starts again when scale-in is blocked (an instance of its scale-out is not launched yet)', () => {
    const snapshot = snapshotOf({
      instances: [web(1, 2), web(2, 1), web(3, 1), web(4, 1), web(5, 1)],
      services: [WEB],
      group: {
        desired: 6,
        tags: { 'ecs-autoscaler:unneeded': `6:3@${T - 600}`, 'ecs-autoscaler:last-scale-out': ago(60) },
      },
    });
    const plan = planOf(snapshot, PACED);
    expect(plan.action).toBe('hold');
    expect(plan.stateTags['ecs-autoscaler:unneeded']).toBe('');
  });

  it('drains more while an instance drains, counting the tasks it still moves onto the others', () => {
    // i5 is DRAINING with 3 web tasks that ECS moves onto the rest. Without counting them, i2, i3 and i4
    // would all go (1 task each); with them only two may, so that i1 keeps 2 + 3 + 2 tasks + headroom.
    const tasks = [
      taskOn(id(2), 'web', 1),
      taskOn(id(3), 'web', 1),
      taskOn(id(4), 'web', 1),
      taskOn(id(5), 'web', 3),
    ];
    const snapshot = snapshotOf({
      instances: [web(1, 2), web(2, 1), web(3, 1), web(4, 1), web(5, 3, { status: 'DRAINING' })],
      services: [{ ...WEB, desired: 8 }],
      tasks,
    });
    const plan = planOf(snapshot);
    expect(plan.action).toBe('scale-in');
    expect(plan.drain).toHaveLength(2);
    expect(plan.reasons.join('\n')).toMatch(/with those DRAINING instances still move/);
  });
});

describe('planCluster — headroom from the services that want tasks', () => {
  const spec = (batchDesired: number) =>
    snapshotOf({
      instances: [web(1, 6)],
      services: [WEB, { name: 'batch', cpu: 2048, mem: 2048, desired: batchDesired, running: 0 }],
      group: { desired: 1 },
    });

  it('keeps headroom for the largest task of a running service, not of one scaled to 0', () => {
    // 1,024 CPU units free: a web task (512) fits, a batch task (2,048) would not.
    const plan = planOf(spec(0));
    expect(plan.action).toBe('hold');
    expect(plan.desiredCapacity.proposed).toBe(1);
  });

  it('buys for that service again as soon as it wants tasks', () => {
    const plan = planOf(spec(1));
    expect(plan.action).toBe('scale-out');
  });
});

describe('planCluster — scale-in pacing while a member boots', () => {
  // The idle group of above plus a sixth member not registered yet, first seen 60 s ago; four
  // instances have been unneeded for 500 of the 600 s.
  const booting = (tags: Record<string, string>) =>
    planOf(
      snapshotOf({
        instances: [web(1, 2), web(2, 1), web(3, 1), web(4, 1), web(5, 1)],
        services: [WEB],
        group: {
          unregistered: [id(6)],
          tags: {
            'ecs-autoscaler:unneeded': `6:4@${T - 500}`,
            'ecs-autoscaler:unregistered': `1@${T - 60}`,
            ...tags,
          },
        },
      }),
      PACED,
    );

  // The ASG's own launch (a replacement, no scale-out of the scaler within the boot timeout) holds
  // nothing: random world 1079110, a bootstrap hook abandoning one launch after another, froze every
  // group's scale-in while each replacement was in flight (10 idle hosts 40 min after the demand fell).
  it('goes on pacing while the ASG replaces an instance it lost (no scale-out of the scaler)', () => {
    const plan = booting({});
    expect(plan.action).toBe('hold');
    expect(plan.reasons.join('\n')).not.toMatch(/no scale-in while/);
    expect(plan.reasons.join('\n')).toMatch(/unneeded for 500 s of the 600 s/);
    // Unchanged: the count keeps its start.
    expect(plan.stateTags['ecs-autoscaler:unneeded']).toBeUndefined();
  });

  it('drains at the unneeded time while the replacement is still in flight', () => {
    const plan = booting({
      'ecs-autoscaler:unneeded': `6:4@${T - 600}`,
      'ecs-autoscaler:last-scale-out': ago(1200),
    });
    expect(plan.action).toBe('scale-in');
    expect(plan.drain.map((d) => d.ec2InstanceId)).not.toContain(id(6));
    expect(plan.drain.length).toBeGreaterThan(0);
  });

  it('starts it again while the instances of its own scale-out boot', () => {
    const plan = booting({ 'ecs-autoscaler:last-scale-out': ago(60) });
    expect(plan.action).toBe('hold');
    expect(plan.reasons.join('\n')).toMatch(/no scale-in while 1 instance\(s\) are booting/);
    expect(plan.stateTags['ecs-autoscaler:unneeded']).toBe('');
  });
});
