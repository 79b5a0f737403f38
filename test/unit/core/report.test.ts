import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeCapacity } from '../../../shared/core/capacity/capacity.js';
import { planCluster } from '../../../shared/core/cluster/planner.js';
import { DEFAULT_CLUSTER_POLICY } from '../../../shared/core/cluster/policy.js';
import { buildClusterReport, buildReport } from '../../../shared/core/report/report.js';
import { parseSnapshot } from '../../../shared/core/snapshot/snapshot.js';
import { asg, instance, NOW, service, snapshot, taskDef } from './builders.js';

const sample = parseSnapshot(JSON.parse(readFileSync('events/snapshots/sample-cluster.json', 'utf8')));
const web = taskDef('web:1', { cpu: '512', memory: '1024' });

describe('buildReport', () => {
  it('follows the JSON contract on the sample cluster', () => {
    const report = buildReport([{ snapshot: structuredClone(sample) }], NOW);
    expect(report.generatedAt).toBe('2026-11-22T10:00:05.000Z');
    expect(report.dryRun).toBe(true);
    const c = report.clusters[0]!;
    expect(c).toMatchObject({
      cluster: 'demo',
      autoScalingGroups: ['demo-ecs-asg'],
      instances: { total: 5, active: 4, draining: 1, capacity: 4 },
      largestTask: {
        taskDefinition: expect.stringMatching(/task-definition\/web:42$/),
        CPU: 1024,
        MEMORY: 2048,
      },
      schedulableTasks: 1,
      decision: { action: 'scale-out', desiredCapacity: { current: 5, proposed: 8 } },
    });
    expect(c.largestTask).not.toHaveProperty('GPU');
    expect(Object.keys(c.dimensions)).toEqual(['CPU', 'MEMORY']);
    expect(c.dimensions.CPU).toEqual({
      registered: 12288,
      reserved: 9728,
      reservationPercent: (100 * 9728) / 12288,
      instanceCapacity: 2048,
      largestTask: 1024,
      thresholdPercent: 50,
    });
    expect(c.instanceDetails).toHaveLength(5);
    expect(c.instanceDetails[4]).toMatchObject({ status: 'DRAINING', givesCapacity: false, runningTasks: 1 });
    expect(c.instanceDetails[0]).toMatchObject({
      containerInstanceArn: expect.stringContaining('container-instance/demo/'),
      ec2InstanceId: 'i-0a1b2c3d4e5f60001',
      remaining: { CPU: 256, MEMORY: 4096 },
    });
    expect(c.decision.reasons.join('\n')).toMatch(/CPU reservation 79\.2% is above the threshold 50%/);
    // The report shows exactly what the planner would do.
    const plan = planCluster(sample, analyzeCapacity(sample), DEFAULT_CLUSTER_POLICY, NOW);
    expect(c.decision).toMatchObject({
      action: plan.action,
      desiredCapacity: plan.desiredCapacity,
      reasons: plan.reasons,
    });
    expect(c.unplacedTasks).toEqual([
      { service: 'web', taskDefinition: expect.stringMatching(/web:42$/), count: 3 },
    ]);
    expect(c.notes.join('\n')).toMatch(/smallest instance's registered resources: conservative for mixed/);
    expect(c.notes.join('\n')).toMatch(/DAEMON services \(log-router\)/);
  });

  it('keeps percentages unrounded and survives a JSON round trip unchanged', () => {
    const report = buildReport([{ snapshot: structuredClone(sample) }], NOW);
    expect(report.clusters[0]!.dimensions.MEMORY.reservationPercent).toBe((100 * 21504) / 46512);
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });

  it('plans a group whose desired is 2^31 − 1, far above its members, without a node per instance to launch', () => {
    // API-legal (the schema lets it through): the planner, the service-growth preview and the fleet model
    // built one node (or bin) per instance still to launch — 53 s and 4.9 GB before, for this report.
    const raw = structuredClone(sample) as { autoScalingGroups: Record<string, unknown>[] };
    raw.autoScalingGroups[0]!.MaxSize = 2 ** 31 - 1;
    raw.autoScalingGroups[0]!.DesiredCapacity = 2 ** 31 - 1;
    const members = (raw.autoScalingGroups[0]!.Instances as unknown[]).length;
    const c = buildReport([{ snapshot: parseSnapshot(raw) }], NOW).clusters[0]!;
    expect(c.decision.action).toBe('hold');
    expect(c.decision.reasons.join('\n')).toContain(`${2 ** 31 - 1 - members} instance(s) in flight`);
  });

  it('shows exactly the planner decision for the policy given', () => {
    const s = snapshot({
      instances: [
        instance('i-1', { usedCpu: 1536, usedMem: 1024 }),
        instance('i-2', { usedCpu: 1024, usedMem: 2048 }),
      ],
      services: [service('web', 'web:1', { desired: 5 })],
      taskDefinitions: [web],
      groups: [asg(2, ['i-1', 'i-2'])],
    });
    for (const policy of [
      DEFAULT_CLUSTER_POLICY,
      { ...DEFAULT_CLUSTER_POLICY, headroomTasks: 6 },
      { ...DEFAULT_CLUSTER_POLICY, scaleInEnabled: false },
    ]) {
      const c = buildClusterReport(s, policy, NOW);
      const plan = planCluster(s, analyzeCapacity(s), policy, NOW);
      expect(c.decision).toEqual({
        action: plan.action,
        desiredCapacity: plan.desiredCapacity,
        reasons: plan.reasons,
        autoScalingGroup: plan.autoScalingGroup,
        drain: plan.drain.map((d) => d.ec2InstanceId),
        terminate: plan.terminate,
      });
    }
    const strict = buildClusterReport(s, { ...DEFAULT_CLUSTER_POLICY, headroomTasks: 6 }, NOW);
    expect(strict.decision.action).toBe('scale-out');
  });

  it('adds GPU to largestTask, dimensions and instance details when the cluster has GPUs', () => {
    const c = buildClusterReport(
      snapshot({
        instances: [instance('g-1', { gpu: 2 })],
        services: [service('t', 't:1')],
        taskDefinitions: [
          taskDef('t:1', {
            containers: [{ cpu: 1, memory: 1, resourceRequirements: [{ type: 'GPU', value: '1' }] }],
          }),
        ],
      }),
      DEFAULT_CLUSTER_POLICY,
      NOW,
    );
    expect(c.largestTask.GPU).toBe(1);
    expect(c.dimensions.GPU).toMatchObject({ registered: 2, largestTask: 1, thresholdPercent: 50 });
    expect(c.instanceDetails[0]!.remaining.GPU).toBe(2);
  });

  it('reports an empty cluster with reasons and notes, without NaN', () => {
    const c = buildClusterReport(snapshot({ groups: [] }), DEFAULT_CLUSTER_POLICY, NOW);
    expect(c.instances).toEqual({ total: 0, active: 0, draining: 0, capacity: 0 });
    expect(c.decision.action).toBe('hold');
    expect(c.decision.reasons.length).toBeGreaterThan(0);
    expect(c.notes).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/no container instances/),
        expect.stringMatching(/no ACTIVE REPLICA service/),
      ]),
    );
    expect(c.findings.join('\n')).toMatch(/no Auto Scaling group is tagged ecs-autoscaler:cluster=c/);
    expect(JSON.stringify(c)).not.toMatch(/NaN|null,"CPU":null/);
  });

  it('shouts about a task that will never be placed', () => {
    const c = buildClusterReport(
      snapshot({
        instances: [instance('i-1')],
        services: [service('huge', 'huge:1', { running: 0 })],
        taskDefinitions: [taskDef('huge:1', { cpu: '8192', memory: '1' })],
      }),
      DEFAULT_CLUSTER_POLICY,
      NOW,
    );
    expect(c.findings.join('\n')).toMatch(/will never be placed/);
  });

  it('reports describe failures, disconnected agents and a cluster without capacity as findings', () => {
    const s = snapshot({
      instances: [instance('i-1', { connected: false })],
      services: [service('web', 'web:1')],
      taskDefinitions: [web],
    });
    s.failures = [{ arn: 'arn:aws:ecs:us-east-1:123456789012:container-instance/c/gone', reason: 'MISSING' }];
    const findings = buildClusterReport(s, DEFAULT_CLUSTER_POLICY, NOW).findings.join('\n');
    expect(findings).toMatch(/could not describe .*container-instance\/c\/gone: MISSING/);
    expect(findings).toMatch(/1 ACTIVE instance\(s\) have a disconnected ECS agent .*i-1/);
    expect(findings).toMatch(/the cluster has no capacity/);
  });

  it('plans with the ASG tags, and holds with a finding when the tags are invalid', () => {
    const base = snapshot({
      instances: [
        instance('i-1', { usedCpu: 1536, usedMem: 1024 }),
        instance('i-2', { usedCpu: 1024, usedMem: 2048 }),
      ],
      services: [service('web', 'web:1', { desired: 5 })],
      taskDefinitions: [web],
      groups: [asg(2, ['i-1', 'i-2'])],
    });
    const tagged = structuredClone(base);
    tagged.autoScalingGroups[0]!.Tags.push({ Key: 'ecs-autoscaler:headroom-tasks', Value: '6' });
    expect(buildReport([{ snapshot: tagged }], NOW).clusters[0]!.decision.reasons.join('\n')).toMatch(/6/);
    expect(buildReport([{ snapshot: tagged }], NOW).clusters[0]!.decision).toEqual(
      buildReport([{ snapshot: base, policy: { ...DEFAULT_CLUSTER_POLICY, headroomTasks: 6 } }], NOW)
        .clusters[0]!.decision,
    );

    const bad = structuredClone(base);
    bad.autoScalingGroups[0]!.Tags.push({ Key: 'ecs-autoscaler:headroom-tasks', Value: 'lots' });
    const c = buildReport([{ snapshot: bad }], NOW).clusters[0]!;
    expect(c.decision).toMatchObject({ action: 'hold', desiredCapacity: { current: 2, proposed: 2 } });
    expect(c.decision.reasons).toEqual([
      expect.stringMatching(/skips this cluster until its ASG tags are fixed/),
    ]);
    expect(c.findings[0]).toMatch(/ecs-autoscaler:headroom-tasks='lots' is invalid/);
    expect(c.dimensions.CPU.registered).toBe(4096);
  });
});
