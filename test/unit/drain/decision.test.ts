import { describe, expect, it } from 'vitest';
import {
  type DrainFacts,
  type DrainPolicy,
  type DrainTask,
  decideDrain,
} from '../../../shared/core/drain/decision.js';

const NOW = new Date('2025-03-14T10:00:00Z');
const CI = 'arn:aws:ecs:us-east-1:123456789012:container-instance/web-prod/abc';
const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000);

const task = (id: string, over: Partial<DrainTask> = {}): DrainTask => ({
  taskArn: `arn:aws:ecs:us-east-1:123456789012:task/web-prod/${id}`,
  group: 'service:web',
  serviceName: 'web',
  lastStatus: 'RUNNING',
  daemon: false,
  ...over,
});

const facts = (over: Partial<DrainFacts> = {}): DrainFacts => ({
  trigger: 'sweep',
  instanceId: 'i-0a1b2c3d4e5f67890',
  asgName: 'web-prod-asg',
  lifecycleState: 'Terminating:Wait',
  containerInstance: { arn: CI, status: 'DRAINING', drainStartedAt: minutesAgo(5) },
  tasks: [],
  hook: { name: 'ecs-drain', heartbeatTimeoutSeconds: 600, globalTimeoutSeconds: 60_000 },
  ...over,
});

const policy = (over: Partial<DrainPolicy> = {}): DrainPolicy => ({
  maxDrainSeconds: 3600,
  dryRun: false,
  sweepIntervalSeconds: 60,
  ...over,
});

const kinds = (f: DrainFacts, p = policy(), now = NOW) => decideDrain(f, p, now).steps.map((s) => s.kind);

describe('decideDrain', () => {
  it.each([
    {
      name: 'lifecycle action on an ACTIVE instance with tasks: set DRAINING and record the start',
      f: facts({
        trigger: 'lifecycle-action',
        containerInstance: { arn: CI, status: 'ACTIVE' },
        tasks: [task('a'), task('b')],
      }),
      action: 'set-draining',
      steps: ['record-drain-start', 'set-draining'],
    },
    {
      name: 'lifecycle action on an ACTIVE instance with only daemon and stopped tasks: drain and complete at once',
      f: facts({
        trigger: 'lifecycle-action',
        containerInstance: { arn: CI, status: 'ACTIVE' },
        tasks: [task('d', { daemon: true, group: 'service:agent' }), task('s', { lastStatus: 'STOPPED' })],
      }),
      action: 'complete',
      steps: ['record-drain-start', 'set-draining', 'complete'],
    },
    {
      name: 'targeted scale-in: already DRAINING and empty, start unknown: complete at once',
      f: facts({ trigger: 'lifecycle-action', containerInstance: { arn: CI, status: 'DRAINING' } }),
      action: 'complete',
      steps: ['record-drain-start', 'complete'],
    },
    {
      name: 'instance never registered with ECS: complete at once',
      f: facts({ trigger: 'lifecycle-action', containerInstance: undefined }),
      action: 'complete',
      steps: ['complete'],
    },
    {
      name: 'container instance deregistered (INACTIVE): complete at once',
      f: facts({ trigger: 'container-instance-changed', containerInstance: { arn: CI, status: 'INACTIVE' } }),
      action: 'complete',
      steps: ['complete'],
    },
    {
      name: 'task stopped, a stopping task remains (lastStatus DEACTIVATING): wait',
      f: facts({ trigger: 'task-stopped', tasks: [task('a', { lastStatus: 'DEACTIVATING' })] }),
      action: 'wait',
      steps: [],
    },
    {
      name: 'task stopped, the last one: complete',
      f: facts({ trigger: 'task-stopped', tasks: [task('a', { lastStatus: 'STOPPED' })] }),
      action: 'complete',
      steps: ['complete'],
    },
    {
      name: 'a standalone task (family:) blocks like a service task',
      f: facts({
        trigger: 'task-stopped',
        tasks: [task('batch', { group: 'family:nightly', serviceName: undefined })],
      }),
      action: 'wait',
      steps: [],
    },
    {
      name: 'task stopped on a DRAINING instance no hook holds (the scaler drains it): ignore',
      f: facts({ trigger: 'task-stopped', lifecycleState: 'InService', tasks: [task('a')] }),
      action: 'ignore',
      steps: [],
    },
    {
      name: 'Spot warning on an ACTIVE InService instance: set DRAINING, nothing to complete',
      f: facts({
        trigger: 'spot-interruption',
        lifecycleState: 'InService',
        containerInstance: { arn: CI, status: 'ACTIVE' },
        tasks: [task('a')],
      }),
      action: 'set-draining',
      steps: ['set-draining', 'record-drain-start'],
    },
    {
      name: 'duplicate Spot warning on a DRAINING InService instance: wait, no write',
      f: facts({
        trigger: 'spot-interruption',
        lifecycleState: 'InService',
        containerInstance: { arn: CI, status: 'DRAINING', spotWarned: true },
        tasks: [task('a')],
      }),
      action: 'wait',
      steps: [],
    },
    {
      // World 282076: the scaler's own scale-in had it DRAINING; unmarked, the scaler set it ACTIVE again
      // for waiting tasks 8 s after the warning, and the reclaim took a task.
      name: 'Spot warning on an instance DRAINING without the mark (the scaler drained it): record the warning',
      f: facts({ trigger: 'spot-interruption', lifecycleState: 'InService', tasks: [task('a')] }),
      action: 'wait',
      steps: ['record-drain-start'],
    },
    {
      name: 'rebalance recommendation with capacity rebalancing off: ignore',
      f: facts({
        trigger: 'rebalance-recommendation',
        lifecycleState: 'InService',
        capacityRebalance: false,
        containerInstance: { arn: CI, status: 'ACTIVE' },
        tasks: [task('a')],
      }),
      action: 'ignore',
      steps: [],
    },
    {
      name: 'rebalance recommendation with capacity rebalancing on: set DRAINING',
      f: facts({
        trigger: 'rebalance-recommendation',
        lifecycleState: 'InService',
        capacityRebalance: true,
        containerInstance: { arn: CI, status: 'ACTIVE' },
        tasks: [task('a')],
      }),
      action: 'set-draining',
      steps: ['record-drain-start', 'set-draining'],
    },
    {
      name: 'late lifecycle event after the action completed (Terminating:Proceed): ignore',
      f: facts({ trigger: 'lifecycle-action', lifecycleState: 'Terminating:Proceed' }),
      action: 'ignore',
      steps: [],
    },
    {
      name: 'lifecycle event for an instance the group no longer lists: ignore',
      f: facts({ trigger: 'lifecycle-action', lifecycleState: undefined }),
      action: 'ignore',
      steps: [],
    },
    {
      name: 'sweep finds an ACTIVE instance held by the hook (lost lifecycle event): set DRAINING',
      f: facts({ containerInstance: { arn: CI, status: 'ACTIVE' }, tasks: [task('a')] }),
      action: 'set-draining',
      steps: ['record-drain-start', 'set-draining'],
    },
    {
      name: 'sweep finds an empty held instance (lost task-stopped event): complete',
      f: facts({ tasks: [task('a', { lastStatus: 'STOPPED' })] }),
      action: 'complete',
      steps: ['complete'],
    },
    {
      name: 'sweep finds a held DRAINING instance with unknown start: record it and heartbeat at once',
      f: facts({ containerInstance: { arn: CI, status: 'DRAINING' }, tasks: [task('a')] }),
      action: 'heartbeat',
      steps: ['record-drain-start', 'heartbeat'],
    },
    {
      name: 'ECS event on a held instance with tasks: never heartbeats (the sweeper does)',
      f: facts({
        trigger: 'container-instance-changed',
        containerInstance: { arn: CI, status: 'DRAINING' },
        tasks: [task('a')],
      }),
      action: 'wait',
      steps: ['record-drain-start'],
    },
    {
      name: 'held instance, but the group has no terminate hook: nothing to complete',
      f: facts({ hook: undefined }),
      action: 'ignore',
      steps: [],
    },
    {
      name: 'ECS event on an ACTIVE instance: ignore',
      f: facts({
        trigger: 'task-stopped',
        lifecycleState: 'InService',
        containerInstance: { arn: CI, status: 'ACTIVE' },
      }),
      action: 'ignore',
      steps: [],
    },
  ])('$name', ({ f, action, steps }) => {
    const plan = decideDrain(f, policy(), NOW);
    expect(plan.action).toBe(action);
    expect(plan.steps.map((s) => s.kind)).toEqual(steps);
    expect(plan.reasons.length).toBeGreaterThan(0);
  });

  it('completes with CONTINUE on the hook it was given', () => {
    const plan = decideDrain(facts({ tasks: [] }), policy(), NOW);
    expect(plan.steps).toEqual([{ kind: 'complete', hookName: 'ecs-drain', result: 'CONTINUE' }]);
    expect(plan.drainSeconds).toBe(300);
  });

  it('force-completes at the maximum drain time and names the tasks that would not leave', () => {
    const stuck = task('stuck');
    const plan = decideDrain(
      facts({
        containerInstance: { arn: CI, status: 'DRAINING', drainStartedAt: minutesAgo(61) },
        tasks: [stuck],
      }),
      policy({ maxDrainSeconds: 3600 }),
      NOW,
    );
    expect(plan.action).toBe('force-complete');
    expect(plan.steps.map((s) => s.kind)).toEqual(['complete']);
    expect(plan.blockingTasks).toEqual([stuck.taskArn]);
    expect(plan.reasons.join(' ')).toContain(stuck.taskArn);
  });

  it('does not force-complete one second before the maximum drain time', () => {
    const started = new Date(NOW.getTime() - 3599_000);
    const f = facts({
      containerInstance: { arn: CI, status: 'DRAINING', drainStartedAt: started },
      tasks: [task('a')],
    });
    expect(decideDrain(f, policy({ maxDrainSeconds: 3600 }), NOW).action).not.toBe('force-complete');
  });

  it('caps the maximum drain time two sweeps before the hook global timeout', () => {
    // Heartbeat timeout 60 s → global timeout 6000 s; the configured 3 h would let AWS time the hook out.
    const f = facts({
      containerInstance: { arn: CI, status: 'DRAINING', drainStartedAt: new Date(NOW.getTime() - 5880_000) },
      tasks: [task('a')],
      hook: { name: 'ecs-drain', heartbeatTimeoutSeconds: 60, globalTimeoutSeconds: 6000 },
    });
    const plan = decideDrain(f, policy({ maxDrainSeconds: 10_800 }), NOW);
    expect(plan.action).toBe('force-complete');
    expect(plan.reasons.join(' ')).toContain('global timeout');
  });

  it('never force-completes a drain whose start is unknown', () => {
    const f = facts({ containerInstance: { arn: CI, status: 'DRAINING' }, tasks: [task('a')] });
    expect(decideDrain(f, policy({ maxDrainSeconds: 60 }), NOW).action).toBe('heartbeat');
  });

  it('keeps the same steps in dry-run and says nothing is written', () => {
    const f = facts({
      trigger: 'lifecycle-action',
      containerInstance: { arn: CI, status: 'ACTIVE' },
      tasks: [task('a')],
    });
    const plan = decideDrain(f, policy({ dryRun: true }), NOW);
    expect(plan.dryRun).toBe(true);
    expect(plan.steps.map((s) => s.kind)).toEqual(['record-drain-start', 'set-draining']);
    expect(plan.reasons).toContain('dry-run: nothing is written');
  });

  it('counts the non-daemon tasks to move when it starts the drain', () => {
    const f = facts({
      trigger: 'lifecycle-action',
      containerInstance: { arn: CI, status: 'ACTIVE' },
      tasks: [task('a'), task('b'), task('d', { daemon: true }), task('s', { lastStatus: 'STOPPED' })],
    });
    expect(decideDrain(f, policy(), NOW).tasksToMove).toBe(2);
  });

  it('reports services whose every running task is on this instance', () => {
    const f = facts({
      trigger: 'lifecycle-action',
      containerInstance: { arn: CI, status: 'ACTIVE' },
      tasks: [
        task('a', { serviceName: 'web', serviceRunningCount: 2 }),
        task('b', { serviceName: 'web', serviceRunningCount: 2 }),
        task('c', { serviceName: 'api', group: 'service:api', serviceRunningCount: 5 }),
      ],
    });
    expect(decideDrain(f, policy(), NOW).lastOfServices).toEqual(['web']);
  });

  it('heartbeats on every sweep up to H = 900 s, and only inside the window above', () => {
    const everySweep = facts({
      tasks: [task('a')],
      hook: { name: 'ecs-drain', heartbeatTimeoutSeconds: 600 },
    });
    expect(kinds(everySweep, policy(), NOW)).toEqual(['heartbeat']);
    // H = 3600 s → period 900 s, window of three sweeps: heartbeat when (now mod 900 s) ≥ 720 s.
    const f = facts({ tasks: [task('a')], hook: { name: 'ecs-drain', heartbeatTimeoutSeconds: 3600 } });
    const inWindow = new Date(Math.floor(NOW.getTime() / 900_000) * 900_000 + 750_000);
    const outside = new Date(Math.floor(NOW.getTime() / 900_000) * 900_000 + 100_000);
    expect(kinds(f, policy(), inWindow)).toEqual(['heartbeat']);
    expect(kinds(f, policy(), outside)).toEqual([]);
  });

  it('ignores a recorded drain start older than any drain could be (an earlier drain): no force-complete', () => {
    const old = new Date(NOW.getTime() - 2 * 86_400_000);
    const plan = decideDrain(
      facts({ containerInstance: { arn: CI, status: 'DRAINING', drainStartedAt: old }, tasks: [task('a')] }),
      policy(),
      NOW,
    );
    expect(plan.action).not.toBe('force-complete');
    expect(plan.steps.map((s) => s.kind)).toContain('record-drain-start');
    expect(plan.reasons.join(' ')).toContain('stale');
  });

  it('ignores a terminate lifecycle event for an instance that is InService', () => {
    const plan = decideDrain(
      facts({
        trigger: 'lifecycle-action',
        lifecycleState: 'InService',
        containerInstance: { arn: CI, status: 'ACTIVE' },
        tasks: [task('a')],
      }),
      policy(),
      NOW,
    );
    expect(plan.action).toBe('ignore');
    expect(plan.steps).toEqual([]);
  });

  it('drains on a terminate event for an instance parked into the warm pool (Warmed:Pending:Wait)', () => {
    const plan = decideDrain(
      facts({
        trigger: 'lifecycle-action',
        lifecycleState: 'Warmed:Pending:Wait',
        containerInstance: { arn: CI, status: 'ACTIVE' },
        tasks: [task('a')],
      }),
      policy(),
      NOW,
    );
    expect(plan.action).toBe('set-draining');
  });

  it('Spot warning: DRAINING first, the drain start after it', () => {
    const plan = decideDrain(
      facts({
        trigger: 'spot-interruption',
        lifecycleState: 'InService',
        containerInstance: { arn: CI, status: 'ACTIVE' },
        tasks: [],
      }),
      policy(),
      NOW,
    );
    expect(plan.steps.map((s) => s.kind)).toEqual(['set-draining', 'record-drain-start']);
  });
});
