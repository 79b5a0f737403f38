/**
 * The metric alarms a snapshot may hold (`alarms`), checked apart from the rest of the snapshot: only the
 * capacity report reads them (its service-alarm preview), so the scalers' bundles leave this schema out.
 */
import * as z from 'zod/mini';
import { ConfigurationError } from '../errors.js';
import { MetricAlarmSchema } from './alarm-schema.js';
import { type ClusterSnapshot, formatIssuePath } from './snapshot.js';

/**
 * Checks the snapshot's `alarms` (a report's input: a snapshot file, or alarms read live).
 * @throws ConfigurationError naming the first bad field, as parseSnapshot does.
 */
export const parseSnapshotAlarms = (snapshot: ClusterSnapshot, source = 'snapshot'): ClusterSnapshot => {
  if (snapshot.alarms === undefined) return snapshot;
  const result = z.array(MetricAlarmSchema).safeParse(snapshot.alarms);
  if (result.success) return { ...snapshot, alarms: result.data };
  const issue = result.error.issues[0]!;
  throw new ConfigurationError(
    `${source}: field '${formatIssuePath(['alarms', ...issue.path])}' is invalid: ${issue.message}. ` +
      'A snapshot holds the raw AWS API objects (docs/report.md, "The snapshot"); record one with ' +
      '`ecs-autoscaler snapshot --cluster NAME`.',
  );
};
