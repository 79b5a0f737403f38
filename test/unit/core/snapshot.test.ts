import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeCapacity } from '../../../shared/core/capacity/capacity.js';
import { taskReservation } from '../../../shared/core/capacity/resources.js';
import { ConfigurationError } from '../../../shared/core/errors.js';
import { formatIssuePath, parseSnapshot } from '../../../shared/core/snapshot/snapshot.js';

// biome-ignore lint/suspicious/noExplicitAny: the tests poke at raw JSON to break one field at a time.
type RawJson = any;

const sample = JSON.parse(readFileSync('events/snapshots/sample-cluster.json', 'utf8')) as Record<
  string,
  unknown
>;

describe('parseSnapshot', () => {
  it('accepts the shipped sample and keeps fields it does not name', () => {
    const s = parseSnapshot(structuredClone(sample));
    expect(s.containerInstances).toHaveLength(5);
    expect((s.containerInstances[0] as Record<string, unknown>).versionInfo).toBeDefined();
  });

  it('turns SDK Dates into ISO strings', () => {
    const value = structuredClone(sample);
    value.capturedAt = new Date('2026-11-22T10:00:00Z');
    expect(parseSnapshot(value).capturedAt).toBe('2026-11-22T10:00:00.000Z');
  });

  it.each([
    [(v: RawJson) => delete v.cluster.clusterName, "field 'cluster.clusterName'"],
    [
      (v: RawJson) => (v.containerInstances[3].agentConnected = 'yes'),
      "field 'containerInstances[3].agentConnected'",
    ],
    [(v: RawJson) => (v.version = 2), "field 'version'"],
    [
      (v: RawJson) => (v.services[1].deployments[0].taskDefinition = 7),
      "field 'services[1].deployments[0].taskDefinition'",
    ],
    [(v: RawJson) => delete v.autoScalingGroups, "field 'autoScalingGroups'"],
    // Values that would otherwise be read silently as something else:
    [(v: RawJson) => (v.capturedAt = 'yesterday'), "field 'capturedAt' is invalid: expected an ISO-8601"],
    [
      (v: RawJson) => (v.containerInstances[0].remainingResources[0].integerValue = -100),
      "field 'containerInstances[0].remainingResources[0].integerValue'",
    ],
    [
      (v: RawJson) => (v.taskDefinitions[0].cpu = 'abc'),
      `field 'taskDefinitions[0].cpu' is invalid: expected CPU units ("1024") or vCPUs ("1 vCPU")`,
    ],
    [
      (v: RawJson) => (v.taskDefinitions[0].memory = '1 vCPU'),
      `field 'taskDefinitions[0].memory' is invalid: expected MiB ("2048") or GB ("2 GB")`,
    ],
    [(v: RawJson) => (v.services[0].desiredCount = -1), "field 'services[0].desiredCount'"],
    // Fields the placement model reads that the schemas let through unchecked until a mutation fuzz found
    // them: a TypeError (or, for a desired capacity far above MaxSize, a heap exhausted by the instances
    // "still to launch") instead of a named field.
    [
      (v: RawJson) => (v.autoScalingGroups[0].DesiredCapacity = Number.MAX_SAFE_INTEGER),
      "field 'autoScalingGroups[0].DesiredCapacity' is invalid: expected MinSize ≤ DesiredCapacity ≤ MaxSize",
    ],
    [
      (v: RawJson) => (v.autoScalingGroups[0].DesiredCapacity = v.autoScalingGroups[0].MinSize - 1),
      "field 'autoScalingGroups[0].DesiredCapacity'",
    ],
    [
      (v: RawJson) => (v.tasks = [{ taskArn: 't', taskDefinitionArn: 'd', attachments: {} }]),
      "field 'tasks[0].attachments' is invalid: Invalid input: expected array, received object",
    ],
    [
      (v: RawJson) =>
        (v.instanceTypes = [{ InstanceType: 'm5.large', ProcessorInfo: { SupportedArchitectures: -1 } }]),
      "field 'instanceTypes[0].ProcessorInfo.SupportedArchitectures'",
    ],
    [
      (v: RawJson) =>
        (v.instanceTypes = [{ InstanceType: 'm5.large', GpuInfo: { Gpus: [{ Count: 'one' }] } }]),
      "field 'instanceTypes[0].GpuInfo.Gpus[0].Count'",
    ],
  ])('names the bad field (%#)', (mutate, field) => {
    const value = structuredClone(sample) as RawJson;
    mutate(value);
    expect(() => parseSnapshot(value, 'snapshot file x.json')).toThrow(ConfigurationError);
    expect(() => parseSnapshot(value, 'snapshot file x.json')).toThrow(field);
    expect(() => parseSnapshot(value, 'snapshot file x.json')).toThrow(/^snapshot file x\.json: /);
  });

  it('accepts task sizes in both of the forms RegisterTaskDefinition takes', () => {
    const value = structuredClone(sample) as RawJson;
    value.taskDefinitions[0].cpu = '1 vCPU';
    value.taskDefinitions[0].memory = '2 GB';
    const td = parseSnapshot(value).taskDefinitions[0]!;
    expect(taskReservation(td)).toMatchObject({ CPU: 1024, MEMORY: 2048 });
  });

  it('formats issue paths', () => {
    expect(formatIssuePath(['a', 0, 'b', 12])).toBe('a[0].b[12]');
    expect(formatIssuePath([])).toBe('(root)');
  });
});

describe('the shipped sample snapshot is internally consistent', () => {
  const s = parseSnapshot(structuredClone(sample));
  const tds = new Map(s.taskDefinitions.map((t) => [t.taskDefinitionArn, taskReservation(t)]));

  it('has heterogeneous instances, one DRAINING, a daemon, a rollout and container-level memoryReservation', () => {
    const a = analyzeCapacity(s);
    expect(new Set(a.instances.map((i) => i.instanceType))).toEqual(new Set(['m5.large', 'm5.xlarge']));
    expect(a.counts.draining).toBe(1);
    expect(a.daemonServices).toEqual(['log-router']);
    expect(s.services.some((x) => new Set(x.deployments.map((d) => d.taskDefinition)).size === 2)).toBe(true);
    expect(
      s.taskDefinitions.some((t) => t.containerDefinitions.some((c) => c.memoryReservation !== undefined)),
    ).toBe(true);
  });

  it('service counts add up to the instances’ task counts', () => {
    const running = s.services.reduce((n, x) => n + x.runningCount, 0);
    const pending = s.services.reduce((n, x) => n + x.pendingCount, 0);
    expect(running).toBe(s.containerInstances.reduce((n, i) => n + i.runningTasksCount, 0));
    expect(pending).toBe(s.containerInstances.reduce((n, i) => n + i.pendingTasksCount, 0));
    for (const x of s.services) {
      expect(x.runningCount).toBe(x.deployments.reduce((n, d) => n + d.runningCount, 0));
    }
  });

  it('reserved resources equal the sum of the reservations of the tasks the services run', () => {
    const reservedCpu = s.containerInstances.reduce((n, i) => {
      const reg = i.registeredResources.find((r) => r.name === 'CPU')!.integerValue!;
      const rem = i.remainingResources.find((r) => r.name === 'CPU')!.integerValue!;
      return n + reg - rem;
    }, 0);
    const expected = s.services.reduce(
      (n, x) =>
        n +
        x.deployments.reduce(
          (m, d) => m + (d.runningCount + d.pendingCount) * tds.get(d.taskDefinition)!.CPU,
          0,
        ),
      0,
    );
    expect(reservedCpu).toBe(expected);
  });
});
