import { describe, expect, it } from 'vitest';
import { analyzeCapacity } from '../../../shared/core/capacity/capacity.js';
import {
  alarmDiffers,
  alarmName,
  parseAlarmName,
  reconcileAlarms,
  wantedAlarms,
} from '../../../shared/core/cluster/alarm-specs.js';
import { DEFAULT_CLUSTER_POLICY } from '../../../shared/core/cluster/policy.js';
import { ConfigurationError } from '../../../shared/core/errors.js';
import { loadClusterScalerConfig } from '../../../shared/runtime/config.js';
import { fleet, snapshotOf } from './builders.js';

const analysis = analyzeCapacity(
  snapshotOf({ instances: fleet(2), services: [{ name: 'web', cpu: 1024, mem: 3000, desired: 2 }] }),
);

describe('alarm names', () => {
  it.each([
    ['web', 'capacity-deficit'],
    ['a-b-cpu', 'cpu-reservation-high'],
    ['x_y', 'schedulable-tasks-low'],
  ] as const)('round-trips cluster %s / %s', (cluster, kind) => {
    expect(parseAlarmName(alarmName(cluster, kind))).toEqual({ cluster, kind });
  });

  it.each([
    ['ServerCpuTooHigh'],
    ['ecs-autoscaler-cluster-web-unknown-kind'],
    ['ecs-autoscaler-cluster--capacity-deficit'],
  ])('does not claim %s', (name) => {
    expect(parseAlarmName(name)).toBeUndefined();
  });
});

describe('wantedAlarms', () => {
  it('wants the deficit, headroom and per-dimension threshold alarms', () => {
    const specs = wantedAlarms('web', analysis, DEFAULT_CLUSTER_POLICY, 'EcsAutoscaler');
    expect(specs.map((s) => [s.AlarmName, s.MetricName, s.ComparisonOperator, s.Threshold])).toEqual([
      [
        'ecs-autoscaler-cluster-web-capacity-deficit',
        'CapacityDeficitInstances',
        'GreaterThanOrEqualToThreshold',
        1,
      ],
      ['ecs-autoscaler-cluster-web-schedulable-tasks-low', 'SchedulableTasks', 'LessThanThreshold', 1],
      // 100 × (1 − 1024/4096) = 75; 100 × (1 − 3000/8192) = 63.378… → 63.3 (rounded down).
      ['ecs-autoscaler-cluster-web-cpu-reservation-high', 'ReservationPercent', 'GreaterThanThreshold', 75],
      [
        'ecs-autoscaler-cluster-web-memory-reservation-high',
        'ReservationPercent',
        'GreaterThanThreshold',
        63.3,
      ],
    ]);
    expect(specs[2]!.Dimensions).toEqual([
      { Name: 'ClusterName', Value: 'web' },
      { Name: 'Resource', Value: 'CPU' },
    ]);
    for (const s of specs)
      expect(s).toMatchObject({ Period: 60, EvaluationPeriods: 1, TreatMissingData: 'notBreaching' });
  });

  it('has no headroom alarm with headroom 0 and no threshold alarms without services', () => {
    const empty = analyzeCapacity(snapshotOf({ instances: fleet(1), services: [] }));
    const specs = wantedAlarms('web', empty, { headroomTasks: 0 }, 'EcsAutoscaler');
    expect(specs.map((s) => s.AlarmName)).toEqual(['ecs-autoscaler-cluster-web-capacity-deficit']);
  });
});

describe('reconcileAlarms', () => {
  const wanted = wantedAlarms('web', analysis, DEFAULT_CLUSTER_POLICY, 'EcsAutoscaler');

  it('puts only what is missing or different, and is a no-op once applied', () => {
    const existing = wanted.slice(0, 2).map((s) => structuredClone(s));
    existing[1]!.Threshold = 2;
    const changes = reconcileAlarms(wanted, existing, new Set());
    expect(changes.put.map((s) => s.AlarmName)).toEqual(wanted.slice(1).map((s) => s.AlarmName));
    expect(changes.delete).toEqual([]);
    expect(reconcileAlarms(wanted, structuredClone(wanted), new Set())).toEqual({ put: [], delete: [] });
  });

  it('ignores dimension order when comparing', () => {
    const e = structuredClone(wanted[2]!);
    e.Dimensions.reverse();
    expect(alarmDiffers(wanted[2]!, e)).toBe(false);
  });

  it('deletes alarms of untagged clusters, keeps skipped clusters and foreign names', () => {
    const existing = [
      { AlarmName: 'ecs-autoscaler-cluster-gone-capacity-deficit' },
      { AlarmName: 'ecs-autoscaler-cluster-broken-capacity-deficit' },
      { AlarmName: 'ecs-autoscaler-cluster-web-cpu-reservation-high-old' },
      { AlarmName: 'ecs-autoscaler-cluster-web-memory-reservation-high' },
    ];
    const noMemory = wanted.filter((w) => !w.AlarmName.endsWith('memory-reservation-high'));
    const changes = reconcileAlarms(noMemory, existing, new Set(['broken']));
    expect(changes.delete).toEqual([
      'ecs-autoscaler-cluster-gone-capacity-deficit',
      'ecs-autoscaler-cluster-web-memory-reservation-high',
    ]);
  });
});

describe('loadClusterScalerConfig', () => {
  it('reads the defaults from the environment', () => {
    const config = loadClusterScalerConfig({
      DRY_RUN: 'TRUE',
      DEFAULT_HEADROOM_TASKS: '2',
      DEFAULT_SCALE_IN: 'disabled',
      DEFAULT_SCALE_IN_COOLDOWN: '1200',
      POWERTOOLS_METRICS_NAMESPACE: 'Custom',
    });
    expect(config).toEqual({
      dryRun: true,
      namespace: 'Custom',
      defaults: {
        ...DEFAULT_CLUSTER_POLICY,
        headroomTasks: 2,
        scaleInEnabled: false,
        scaleInCooldownSeconds: 1200,
      },
    });
  });

  it('uses the built-in defaults for unset or empty variables', () => {
    expect(loadClusterScalerConfig({ DEFAULT_MAX_STEP: '' })).toEqual({
      dryRun: false,
      namespace: 'EcsAutoscaler',
      defaults: DEFAULT_CLUSTER_POLICY,
    });
  });

  it('names every bad variable with its allowed values', () => {
    const run = () => loadClusterScalerConfig({ DRY_RUN: 'yes', DEFAULT_MAX_STEP: '0' });
    expect(run).toThrow(ConfigurationError);
    expect(run).toThrow(
      /DEFAULT_MAX_STEP='0' is invalid; allowed: an integer 1..100; DRY_RUN='yes' is invalid; allowed: true or false/,
    );
  });
});
