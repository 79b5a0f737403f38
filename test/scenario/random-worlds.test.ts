/**
 * Random worlds (test/worlds/random-world.ts) in the test suite: 30 worlds drawn from fixed seeds, each
 * judged by the simulator alone — tasks it can place run, idle instances leave, no write is rejected.
 * `npm run test:worlds -- --worlds 300` runs many more (docs/reliability.md).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drawWorld, reproduceWorld, runWorld } from '../worlds/random-world.js';

/**
 * Seeds 1–30, and worlds that found a bug: 72 (a crash loop's retry read as missing headroom); seventh
 * stop, attribute-based groups — 162 (tasks fell through among equal prices), 240 (bought for a type the
 * group does not launch), 1030 (scale-in waves), 1068 (a rejected termination), 1794 (desired at MinSize),
 * 2313 (someone else's drain kept); 2230 (an attribute missing on an x86 host held an arm64 replacement);
 * eighth stop — 2521 (another group's drained instance held this one's scale-in), 3427 (a moved task
 * landed on the headroom's room within its AZ: a drain undone), 2870 (the reference placed in another
 * order), 471 (a drained distinctInstance task blocked two groups; its drain never ended), 3153 (the
 * reference raised the scaled service before the others' peak); ninth stop (rolling updates drawn) —
 * 3710 (a task only another controller's group runs reactivated a drained instance), 839 (a drained
 * instance's task moved as its old revision), 1206 (only the fullest AZ was tried), 2944 and 6937 (a
 * task its deployment configuration keeps in place), 6693 (ECS placed a small moved task first and the
 * large one waited), 650, 1807 and 6875 (the judge: a rollout that cannot complete at MaxSize, a refresh
 * held by such a task); tenth stop — 5214 (a new instance of a mixed group taken as its member's type: a
 * task only a larger type of the price tie runs waited for good), 5161 (a moved task ECS may put on the
 * room another moved task needs: a drain undone every 12 minutes), 1785 (an idle member heavier than the
 * units above MinSize took the one removal, and the lighter idle one was never tried); 12195 and 13609 (the
 * judge: a task a stuck rollout keeps in place leaves with its instance at the drainer's maximum drain
 * time, as documented; someone else's drain holds an instance of a group at MaxSize), 15601 (a crash loop's
 * retry being stopped, not read, looked like lost headroom); eleventh stop — 9521 (the headroom checked
 * only after the emptiest-first picks of the moved tasks: a drain undone every 12 minutes), 23112 (a
 * host-port task costed by the copies its size allows: the dearer type bought, whose old revision then
 * held the only hosts the new one ran on), 26402 (the unlisted host marked as running a distinctInstance
 * task was the full one, not the one with room), 10303 and 10621 (two moved tasks of the same size were
 * tried in one order only: ECS placed the other first, and the drains were undone), 9410 and 21601 (the judge: someone else's drain in a group
 * the scaler does not drive), 27739 (the judge: a service only such a group runs), 28946 (the judge: a
 * service still stepping down when the cluster was judged), 38215 (the judge: a task PENDING on its new
 * host after someone's instance refresh moved it counted as missing), 44474 (the judge: a rollout judged
 * while someone's drain held the only host of a group the scaler does not drive); twelfth stop — 15827 (a
 * drained instance's task still counts in ECS's AZ spread until its replacement starts), 67582 (an
 * unlisted instance running a spread-by-instance service's task counted as running none), 68583 (the
 * judge: a task waiting for the replacement an instance refresh was booting for its terminated host);
 * thirteenth stop — 104459 (a refreshed host's task that no ACTIVE host could take, not counted: its
 * terminating host's task list was never read), 21550 (a moved task tied an emptier x86 host with the one
 * arm64 host a moved arm64 task needed: the check assumed the emptier pick, ECS took the arm64 one),
 * 113171 (an unlisted x86 host marked as running an arm64 distinctInstance task), 25100 (the judge: a
 * scaled service's scale-in judged from its count at the drop, not from the peak its alarm's lag reached);
 * fourteenth stop — 200606, 200677, 200695 (custom-attribute pools: a new instance took another group's
 * pool attribute; each failed with the old templates), 28394 (the judge: a task only a group the scaler
 * does not drive has room for), 220589 (a task of another pool packed by CPU/memory onto a capacity
 * instance's free space: the headroom it displaced undid the scale-in check's drains every 14 minutes;
 * 221800 the same), 227967 (that rule applied to the headroom too: an unwanted service's c5-only
 * definition made the headroom refuse the staying t3 host, and the drains came back); fifteenth stop —
 * 235612 (an awsvpc service whose only subnet is in an AZ no instance is in: its AZ unknown, the tasks
 * "fit" on the hosts of another AZ and waited for good; DescribeSubnets now tells it), 234065 (a task
 * bound to one AZ waiting at its group's MaxSize held the other pools' scale-in; and the judge: the
 * group's AZ balancing decides how many hosts land in that AZ), 245299 (scale-in read the unread lists of
 * the fullest AZ's busy hosts first, every decision: idle hosts of the other AZs were counted last);
 * sixteenth stop — 260100 (a Spot instance reclaimed while EC2 had no capacity for its type: the ASG's
 * replacement never launched, counted as arriving for good — every scale-in of the cluster held and the
 * scaled service waited), 260259 (someone's empty drain kept for good while tasks waited on a group that
 * could not launch), 260074 (the judge: an instance refresh of a group that can launch nothing drains
 * its hosts to the maximum drain time), 261387 and 261432 (GPU tasks, or tasks too large for a t3, waiting
 * on a group that cannot launch held the scale-in of a group that could never run them: the check was by
 * the rules, not by size), 261138 (the judge: someone's drain in a group that launches nothing), 264250
 * (the headroom alone — one more GPU task — wanted on a GPU group that could not launch held a CPU group's
 * scale-in for good), 268732 (a host whose port the waiting task needs was taken: that refusal came
 * before the rules, and an r5 group "could run" a c5-only task and kept its idle hosts);
 * seventeenth stop — 269186 (a prioritized group out of its first type launched its second, which cannot
 * run the memberOf m5.* tasks: the scaler bought it up to MaxSize 30), 272931 (the judge: a c5-only task
 * only the second override runs, which the group launches only while its first is short), 278372 (the
 * judge: an attribute-based group's hosts taken to run an r5-only task), 279649 (the judge: the same as
 * 272931 beside a group that launches nothing), 287887 (members a first type's shortage brought, which
 * the waiting tasks cannot run on, held units at MaxSize for good), 269660 (a provider's group's
 * unlaunched unit held every group's scale-in), 284301, 288730, 289643 (the judge: the designed re-ask's
 * idle fallback; a prioritized group's first type with capacity, the deployed revision, a refresh),
 * 280435 (c5.large too small for the waiting tasks held an attribute-based group at MaxSize), 15098 and
 * 48145 (the equal-price limit of docs/fleets.md: the small hosts now go, and large ones come), 310957 and
 * 312134 (the judge: a first type short for a while, then the group at MaxSize with its fallback; a
 * service no group can run with what EC2 has after a Spot reclaim), 281394 (a member of another AZ than
 * the waiting zonal task's was "never able to run it" and scaled in while tasks waited: judged by its type;
 * 321335 the same), 328018 (the judge: a scaled service only a prioritized group's fallback runs),
 * 282076 (a Spot warning on a host the scaler was draining: it set the host ACTIVE again for waiting
 * tasks and the reclaim took a task; the drainer now marks the warning and the scaler leaves it),
 * 282092 and 345305 (a zonal service regrown launch by launch, one a minute, toward its AZ: a group's
 * growth is now sized for the launches its AZ balancing puts in the other AZs first), 350502, 369828 and
 * 370061 (the judge: a rolling update, and services, waiting for the re-ask of their group's first type
 * after a shortage), 365166 (the judge: a daemon bound to m5.* takes no room on the group's c5.large),
 * 247309, 265419 and 269407 (services bound to one AZ, left at earlier stops: they pass with the AZ
 * balancing of growth), 402417 (the judge: as 369828, a scaled service on a capacity provider's group),
 * 437423 (the judge: a rolling update whose bigger revision only a prioritized group's fallback runs);
 * nineteenth stop — 292267 (a short group's host-port copies packed by CPU/memory onto the hosts whose
 * port they hold: the headroom they displaced set the scaler's drained hosts ACTIVE again every 11 minutes),
 * 299340 (the judge: a rolling update of a service bound to one AZ, its group at MaxSize, the AZ's hosts
 * full of what ECS placed there), 302709 (the headroom took the architecture of the largest definition, an
 * arm64 service's at 0 desired: an x86 headroom was wanted on an arm64 group that could launch nothing, and
 * held the x86 group's idle hosts), 309869 (the judge: a zonal rolling update with no room, its groups'
 * only type short for good; the other AZs' idle hosts kept for it, as for its waiting tasks), 310664 (an
 * arm64 headroom on a Graviton group that launched nothing held the x86 group's idle hosts: sized as
 * "able to run" by size alone), 310268 (someone's DRAINING host of a provider group, its list read only
 * when no instance could go: with one counted, its tasks, as many of the largest, kept the next idle host
 * as their room, and each idle host waited its own unneeded time), 312614 (the judge: a service bound
 * through the cluster's default strategy to a provider group the scaler drives, its types short for good;
 * other services had taken its hosts' room, and the judge counted groups outside the provider), 310577
 * (the judge: the scaled service bound to an AZ, its pool's group at MaxSize; its judge lacked the
 * AZ-at-MaxSize rule every other service has), 532882 (the judge: a rolling update to twice the CPU
 * that only a prioritized group's fallback type runs, its first type short for good; the judge's
 * fallback-only rule read the old revision), 318895 (the judge: a zonal rolling update to twice the CPU
 * that only a group short of every type runs, its one host in another AZ; the AZ-at-MaxSize rule read the
 * old revision), 625269 (a drain's old tasks, STOPPING beside their RUNNING replacements, counted as
 * needing room again: the drained host was set ACTIVE and stayed idle), 677384 (a tick whose final count
 * needed a list it had not read found nothing removable, and restarted the unneeded time), 326631
 * (daemon-only hosts, the daemon as large as a service's task: each sized as a task of the largest, only
 * the one about to drain was read, and each idle host waited its own unneeded time after the one before),
 * 723769 (another group's refresh, launching one host at a time, restarted the idle fallback hosts'
 * unneeded time at each launch; with a fallback re-ask every 17 minutes they never went); twenty-fourth
 * stop — 350755, 366096; twenty-fifth stop (blue/green deployments drawn) — 384767 (a provider group's
 * desired capacity EC2 could not launch, another controller's, counted as in flight for the waiting tasks:
 * the last task of a blue/green set never got a host); twenty-sixth stop — 808124 (an attribute-based
 * lowest-price group whose cheapest type was short for good launched the next cheapest, which cannot run
 * the c5-only task: the scaler planned the cheapest type and bought one host a minute up to MaxSize 30);
 * twenty-ninth stop (an operator's bounds and protected workers drawn) — 930586 and 945980 (a planner that
 * ignores a raised MinSize, or task protection, fails them), 930161 (the judge: a weighted group runs more
 * units than its desired capacity), 945168 (the judge: a deployment waits for its protected tasks), 973442
 * (a member of a type its group no longer launches, its launch template moved up a size, counted as able
 * to run a waiting task no t3 holds: three idle t3.medium kept for good), 975591 (the judge: a host-port
 * service in a vCPU-counting group at MaxSize gets the hosts the ASG's type mix gives, as 909668's
 * distinctInstance one); thirtieth stop (a container instance someone deregistered) — 985021 (a member a
 * refresh launched, deregistered, counted as booting for the whole refresh: the refresh's drain and the
 * waiting tasks held), 985161 (the same member forgotten: one scale-out per 25 minutes for good, the
 * backoff for launches that never register), 978662 (the judge: a scaled service's CPU stays above the
 * low alarm while its groups cannot place all its tasks; scale-in steps count from when it is low), 985681
 * (the only member of a group of one deregistered: 1 of 1 stuck halted the group for good), 986991 (a
 * vCPU group running 28 at desired 24: the scale-out to 26 launched nothing), 987217 (a mixed group with
 * typed overrides, its only member deregistered: its template was not read, its new instances took another
 * group's pool attribute, bought and drained again and again); from seed 992001, ECS_RESERVED_MEMORY —
 * 992213 and 992400 (a lowest-price group of c5.large and c6i.large, c5.large registering 1 GiB under the
 * table: an unseen c6i.large at the table's word held a task no c5.large holds, and the group grew to
 * MaxSize and back for it), 993529 (two c5.large groups reserving different memory: one sized by the
 * other's registration, a task "never placeable"), 993675 (the judge: a forgotten deregistered member is
 * booting again for 10 minutes after each scale-out of its group), 993393 (the judge: a group retyped to
 * a type EC2 lacks for good launches nothing), 991266 (a crash loop's retry kept the last idle host from
 * being empty when the others were drained), 999767 (a deregistered member of a prioritized group's first
 * type, short for good, taken for its latest launch: the group grew to MaxSize with its fallback); from seed
 * 1030001, a launch lifecycle hook — 1030004 and 1030288 (a bootstrap holding new instances in Pending:Wait
 * past the boot timeout: the scaler took them for launches that never register and halted the group),
 * 1031421 (a launching member whose agent had joined counted as an empty instance in flight: a rolling
 * update's tasks waited while the scaler bought one host per decision), and the judge's allowances for a
 * hook's hold: 1030814 (launches abandoned late), 1031300 and 1033115 (a refresh one hold per batch, and
 * every group's scale-in waiting for it), 1033422 (an update's rounds after an operator's suspended Launch),
 * 1038401 (launches landing a hold after EC2's shortage of the type ended), 1041807 (booting members counted
 * in any AZ held a task bound to one), 1041385 (a forgotten deregistered member armed the backoff while the
 * last scale-out's instances were still held by the hook), 1041629 (the judge: a failing bootstrap's
 * refresh); from seed 1050001, services behind load balancers — 1050139 (a rolling update at 50 / 100 %
 * whose stopped tasks hold their room for 300 s), 1051141 (the judge: a drain lasts the deregistration
 * delay), 1052594 (Capacity Rebalancing's replacement, held by a slow launch hook beside the at-risk member
 * the drainer drained, read as a lowered desired capacity: the idle member drained, then set ACTIVE again),
 * 1053222 (launches EC2's shortage delayed and a launch hook held, dated at the scale-out 10 minutes before
 * they were seen in service: stuck at once, the group halted), 1055245 (the judge: a refresh's batches each
 * wait for the deregistration delay); from seed 1056001, EC2 out of capacity in one AZ — 1056182, 1056240,
 * 1056275 (groups taken to MaxSize 30, launch after launch landing outside the AZ a service is bound to),
 * and the judge's 1056631 (a probe round) and 1057993 (a refresh's drain of a task bound to the short AZ);
 * 1063575 (the last scale-out's one launch registered, then an operator deregistered it: taken for a launch
 * that never registers, a 25-minute backoff while a task waited for a host), 1055808 (a prioritized group
 * short of its first type asked for it again every 17 minutes while the fallback the last ask bought sat
 * idle: 23 idle fallbacks), 1056470 (a drain of five, one moved task placed by ECS otherwise than the
 * scale-in check assumed: all five set ACTIVE again, drained again 22 minutes later), 1040621 (a gap left by
 * Capacity Rebalancing's termination taken for an AZ EC2 could not launch in, a launch having landed there),
 * 1075469 (a deregistered member in service in the short AZ taken for a launch landing there: MaxSize 30),
 * 1078155 (Capacity Rebalancing's replacements, launched beside the at-risk member, taken for launches that
 * went around a short AZ once it left: a bound service ran 0 of 8),
 * and the judge's 1061550 (a service displaced by the scaled service's late steps,
 * their hosts held by a launch hook); 1079110 (a bootstrap hook abandoning one launch after another: every
 * group's scale-in held while the ASG's replacement was in flight, 10 idle hosts 40 min on), 1081034 (an
 * instance refresh's launches, long after any scale-out, held the other group's scale-in, and its own idle
 * hosts' turn came too late; since the judge's refreshed group has its unneeded time after the refresh), and the judge's
 * 1078681 (a distinctInstance service bound to us-east-1a/c, c short, updated at 200 %: 16 hosts in 1a need
 * a group of 32 balancing over 1a and 1b — MaxSize 30 is the demand's, not a runaway); 1083357 (a prioritized
 * group's fallback InService a minute before it registered was forgotten, and the first type asked for again),
 * and the judge's 1076216 (a group at MaxSize holding fewer tasks than wanted: the scaled service took the
 * hosts the reference gave another service); 1089383 (a probe round of an AZ EC2 cannot launch in, the AZ
 * holding one member, showed no evidence, and the next decision probed again: five GPU hosts per probe),
 * and 1081376 (the judge's wait for its judging time hung on a remainder below the clock's resolution);
 * 1092221 (a weighted group's probe of a short AZ capped at one unit per AZ: one launch, around the AZ, and
 * a task bound there waited past the drainer's maximum drain time), and the judge's 1091184 (a host-port
 * service bound to us-east-1b at 200 %, an unbound one on the same port: MaxSize 30 is the demand's) and
 * 1091445 (a MinSize raised over a launching member: its units count), 1095524 (a deregistered, forgotten
 * member holds its place in a bound AZ's balance) and 1096288 (a refresh of the one host in an AZ EC2
 * cannot launch in, its tasks bound there: starved, as AWS's refresh would be) and 1107988 (the ASG's
 * replacement of an abandoned launch registered within the unneeded time of the judging), 1129976 (a
 * weighted group whose members hold MaxSize's units, desired below it after a MaxSize lowered for a while,
 * is at MaxSize: its bound service's tasks wait for room there); 1127691 and 389642 (a surplus beyond the
 * count of removable instances, only part of it ripe: the rest lost its unneeded time, and went ten minutes
 * later; 1031345 likewise, left at the thirty-fourth stop), 1086562 (left at the thirty-fourth stop: a
 * scale-in one host per round; with the longest-registered host first of equal ones its last round comes
 * at 62 min, not 73), and the judge's 1132984 (a blue/green update whose last launch a failing bootstrap
 * abandoned three times in a row: late, as for liveness) and 1144658 (an instance refresh Successful before
 * its last replacement's agent registered: still refreshing for the judge), 1150663 (a drain at MaxSize for
 * an hour but 67 s in its last 10 minutes: the room could not have come in time), 1150510 (a Spot
 * replacement dates a forgotten deregistered member's phantom room again, as a scale-out does); 1156572
 * (three groups each probing an AZ EC2 cannot launch in, ten minutes apart: a probe now waits while its
 * group's idle hosts count their unneeded time, which the probe's launches would restart), 1158722
 * (someone's drain of the one registered host while the scaler's hosts launched: its list is read from
 * the first sight, and its tasks are bought for), and the judge's 1142267 (an AZ short for good, no service
 * bound to AZs, a demand that needs MaxSize 30 once a host drained into Standby has its task seen),
 * 1022170 (26 idle hosts after a raised MinSize came back, 11 task lists read per decision: the count
 * those lists bounded is "at least", and the rest drain at the next decisions, not 10 minutes later),
 * the judge's 1165050 (an AZ short for good hidden by a shortage of every type for 23 minutes),
 * 1168694 (a probe of an AZ holding a member someone drained: its round reaches that AZ, five launches),
 * the judge's 1160699 (a refresh at MaxSize whose drain holds a zonal distinctInstance task), and its
 * 1161160 (a probe's round of 5 around an AZ short for good where the group keeps one host: idle when judged);
 * the judge's 1180105 (a zonal host-port task held by a refresh's drain at MaxSize, the group out of it for
 * one sample, its refill balanced to another AZ) and 1180244 (a probe in vCPUs, its cap of the heaviest type,
 * launched as the lightest: six idle hosts where a round of hosts is three), 1183926 (the scaled service's
 * step at the 38-minute judge's moment: its task still being placed).
 */
const SEEDS = [
  ...Array.from({ length: 30 }, (_, k) => k + 1),
  ...[72, 162, 240, 471, 650, 839, 1030, 1068, 1206, 1794, 1807, 2230, 2313, 2521, 2870, 2944, 3153],
  ...[1785, 3427, 3710, 5161, 5214, 6693, 6875, 6937, 12195, 13609, 15601],
  ...[9410, 9521, 10303, 10621, 21601, 23112, 26402, 27739, 28946, 38215, 44474],
  ...[15827, 67582, 68583, 104459, 21550, 113171, 25100],
  ...[200606, 200677, 200695, 28394, 220589, 221800, 227967],
  ...[235612, 234065, 245299],
  ...[260100, 260259, 260074, 261387, 261432, 261138, 264250, 268732],
  ...[269186, 272931, 278372, 279649, 287887, 269660, 284301, 288730, 289643, 280435],
  ...[15098, 48145, 310957, 312134, 281394, 321335, 328018],
  ...[282076, 282092, 345305, 350502, 369828, 370061, 365166, 247309, 265419, 269407, 402417, 437423],
  ...[292267, 299340, 302709, 309869, 310664, 310268, 312614, 310577, 532882, 318895, 625269],
  ...[677384, 326631, 723769],
  ...[350755, 366096],
  ...[384767],
  ...[808124],
  ...[930161, 930586, 945168, 945980, 973442, 975591],
  ...[985021, 985161, 978662, 985681, 986991, 987217, 992213, 992400],
  ...[993529, 993675, 993393, 991266, 999767],
  ...[1030004, 1030288, 1031421, 1030814, 1031300, 1033115, 1033422, 1038401],
  ...[1041807, 1041385, 1041629],
  ...[1050139, 1051141, 1052594, 1053222, 1055245],
  ...[1056182, 1056240, 1056275, 1056631, 1057993],
  ...[1063575, 1055808, 1056470, 1040621, 1075469, 1078155, 1061550],
  ...[1079110, 1081034, 1078681, 1083357, 1076216, 1089383, 1081376],
  ...[1092221, 1091184, 1091445, 1095524, 1096288, 1107988, 1129976],
  ...[1127691, 389642, 1132984, 1031345, 1086562, 1144658, 1150663, 1150510],
  ...[1156572, 1158722, 1142267, 1022170, 1165050, 1168694, 1160699, 1161160],
  ...[1180105, 1180244, 1183926],
];

// As deployed and as `npm run test:worlds` runs them: the scaler records its decision events (EventBridge +
// SSM, simulated). The tests' default turns them off; their calls take simulated time, so a world ran
// another course here than in the runner (world 2230 failed there and passed here, eighth stop).
const previous = process.env.DECISION_EVENTS;
beforeAll(() => {
  process.env.DECISION_EVENTS = 'enabled';
});
afterAll(() => {
  if (previous === undefined) delete process.env.DECISION_EVENTS;
  else process.env.DECISION_EVENTS = previous;
});

describe('random worlds, judged by the simulator', () => {
  it('draws varied worlds: several groups, Graviton, weights, ports, ENIs, daemons', () => {
    const worlds = SEEDS.slice(0, 30).map(drawWorld);
    expect(worlds.some((w) => w.groups.length > 1)).toBe(true);
    expect(worlds.some((w) => w.groups.some((g) => JSON.stringify(g).includes('m6g')))).toBe(true);
    expect(worlds.some((w) => w.groups.some((g) => JSON.stringify(g).includes('"weight"')))).toBe(true);
    expect(worlds.some((w) => w.services.some((s) => JSON.stringify(s.td).includes('hostPorts')))).toBe(true);
    expect(worlds.some((w) => w.services.some((s) => s.td.networkMode === 'awsvpc'))).toBe(true);
    expect(worlds.some((w) => w.daemon)).toBe(true);
    expect(worlds.some((w) => w.groups.some((g) => JSON.stringify(g).includes('"requirements"')))).toBe(true);
    // The same seed draws the same world.
    expect(drawWorld(7)).toEqual(drawWorld(7));
  });

  it.each(SEEDS)(
    'world %i',
    async (seed) => {
      const problems = await runWorld(seed);
      expect(problems, reproduceWorld(seed)).toEqual([]);
    },
    60_000,
  );
});
