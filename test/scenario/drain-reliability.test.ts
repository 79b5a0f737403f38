/**
 * Drains that never lose a task (issue 15), on the simulator with the drainer as it deploys: the default
 * adapters (in-invocation retries within the Lambda's time budget), the EventBridge patterns, schedule
 * and timeout of serverless.yml. Tasks take ten minutes to stop (a load balancer's deregistration delay),
 * so every drain outlasts the hook's heartbeat timeout and only heartbeats keep the instance alive.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createSim, type Sim } from '../../sim/index.js';

let sim: Sim | undefined;
afterEach(() => {
  sim?.dispose();
  sim = undefined;
});

const setup = async (o: { heartbeatTimeout: number; spot?: boolean; taskExitSeconds?: number }) => {
  const exit = o.taskExitSeconds ?? 600;
  const w = createSim({ seed: 11, settings: { taskExitSeconds: [exit, exit] } });
  w.createCluster('prod');
  w.registerTaskDefinition({
    family: 'web',
    containers: [{ cpu: 512, memoryReservation: 1024 }],
    stopTimeout: 900,
  });
  w.createAutoScalingGroup({
    name: 'prod-asg',
    cluster: 'prod',
    min: 0,
    max: 10,
    desired: 4,
    instanceTypes: ['m5.large'],
    ...(o.spot ? { spotShare: 1 } : {}),
    tags: { 'ecs-autoscaler:cluster': 'prod' },
    terminationHook: { name: 'drain', heartbeatTimeout: o.heartbeatTimeout, defaultResult: 'CONTINUE' },
  });
  w.createService({ cluster: 'prod', name: 'web', taskDefinition: 'web', desiredCount: 8 });
  w.install();
  await w.loadServerless('serverless.yml', { only: ['instance-drainer'] });
  sim = w;
  return w;
};

/** An operator terminates a busy instance at `t` (desired kept: a replacement is launched). */
const terminateBusyAt = (w: Sim, t: number): void =>
  w.at(t, async () => {
    const busy = [...w.asg.groups.get('prod-asg')!.instances.values()].find(
      (i) => (i.containerInstance?.tasks.size ?? 0) > 0,
    )!;
    await w.call('autoscaling', 'TerminateInstanceInAutoScalingGroup', {
      InstanceId: busy.id,
      ShouldDecrementDesiredCapacity: false,
    });
  });

const lost = (w: Sim) =>
  w.violations.filter(
    (v) => v.kind === 'instance-terminated-with-tasks' || v.kind === 'lifecycle-action-timed-out',
  );

describe('heartbeats with slack during long drains', () => {
  it.each([240, 300])(
    'keeps a %i s hook alive when one sweep cannot heartbeat at all (throttled, retries included)',
    async (heartbeatTimeout) => {
      for (const failAt of [120, 180, 240, 300, 360]) {
        const w = await setup({ heartbeatTimeout });
        terminateBusyAt(w, 60);
        // Every heartbeat during one sweep's invocation fails, its in-invocation retries too.
        w.faults.api({
          kind: 'throttle',
          command: 'RecordLifecycleActionHeartbeat',
          fromSeconds: failAt - 5,
          untilSeconds: failAt + 5,
        });
        await w.runFor(1200);
        expect(lost(w), `heartbeat failing at ${failAt} s`).toEqual([]);
        expect(w.timeline.actions.some((a) => a.command === 'CompleteLifecycleAction' && !a.error)).toBe(
          true,
        );
        w.dispose();
        sim = undefined;
      }
    },
  );

  it('keeps a 300 s hook alive through a 120-second Auto Scaling error burst', async () => {
    for (const burstAt of [90, 150, 200, 260]) {
      const w = await setup({ heartbeatTimeout: 300 });
      terminateBusyAt(w, 60);
      w.faults.api({
        kind: 'server-error',
        service: 'autoscaling',
        fromSeconds: burstAt,
        untilSeconds: burstAt + 120,
      });
      await w.runFor(1200);
      expect(lost(w), `burst at ${burstAt} s`).toEqual([]);
      w.dispose();
      sim = undefined;
    }
  });

  it('retries a failed heartbeat within the invocation (one throttle costs no slack)', async () => {
    const w = await setup({ heartbeatTimeout: 300 });
    terminateBusyAt(w, 60);
    w.faults.api({ kind: 'throttle', command: 'RecordLifecycleActionHeartbeat', count: 1 });
    await w.runFor(1200);
    const heartbeats = w.timeline.actions.filter((a) => a.command === 'RecordLifecycleActionHeartbeat');
    const failed = heartbeats.find((a) => a.error);
    expect(failed).toBeDefined();
    // The retry came in the same sweep (same virtual second), not a minute later.
    expect(heartbeats.some((a) => !a.error && Math.abs(a.t - failed!.t) < 1)).toBe(true);
    expect(lost(w)).toEqual([]);
  });
});

describe('Spot: the one write that matters, within the warning', () => {
  it('keeps a Spot-warned instance DRAINING until it is gone, even if someone sets it ACTIVE again', async () => {
    const w = await setup({ heartbeatTimeout: 300, spot: true, taskExitSeconds: 20 });
    const target = [...w.asg.groups.get('prod-asg')!.instances.values()].find(
      (i) => (i.containerInstance?.tasks.size ?? 0) > 0,
    )!;
    w.at(120, () => w.interruptSpot(target.id, { warningSeconds: 600 }));
    w.at(200, async () => {
      await w.call('ecs', 'UpdateContainerInstancesState', {
        cluster: 'prod',
        containerInstances: [target.containerInstance!.arn],
        status: 'ACTIVE',
      });
    });
    await w.runFor(290);
    expect(target.containerInstance?.status).toBe('DRAINING');
    const again = w.timeline.actions.filter(
      (a) => a.command === 'UpdateContainerInstancesState' && a.fn === 'instance-drainer' && a.t > 200,
    );
    expect(again[0]?.t).toBeLessThanOrEqual(261);
  });

  it('sets DRAINING within seconds of the warning although the write is throttled once', async () => {
    const w = await setup({ heartbeatTimeout: 300, spot: true, taskExitSeconds: 20 });
    w.faults.api({ kind: 'server-error', command: 'UpdateContainerInstancesState', count: 1 });
    const target = [...w.asg.groups.get('prod-asg')!.instances.values()].find(
      (i) => (i.containerInstance?.tasks.size ?? 0) > 0,
    )!.id;
    w.at(120, () => w.interruptSpot(target));
    await w.runFor(900);
    const drained = w.timeline.actions.find(
      (a) => a.command === 'UpdateContainerInstancesState' && a.fn === 'instance-drainer' && !a.error,
    );
    expect(drained?.t).toBeLessThanOrEqual(125);
    expect(w.violations.filter((v) => v.kind === 'instance-terminated-with-tasks')).toEqual([]);
  });
});
