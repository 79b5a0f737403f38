/**
 * The capacity-report Lambda: a dry-run report of one or more clusters. Never writes to AWS.
 *
 * Event: `{ "clusters"?: string[] }`. Absent (or a scheduled EventBridge event with no input): every
 * cluster with an ASG tagged `ecs-autoscaler:cluster`, else every cluster in the region.
 * Returns the report JSON (README "Capacity report").
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import * as z from 'zod/mini';
import '../../shared/core/zod-messages.js';
import type { ReaderClients } from '../../shared/aws/clients.js';
import { deploymentLastDecisionReader } from '../../shared/aws/decision-events.js';
import { readReportInputs } from '../../shared/aws/report-inputs.js';
import { InvalidEventError } from '../../shared/core/errors.js';
import { buildReport, type CapacityReport } from '../../shared/core/report/index.js';
import { formatIssuePath } from '../../shared/core/snapshot/index.js';
import { now } from '../../shared/runtime/clock.js';
import { logger } from '../../shared/runtime/logger.js';

/** The event this function accepts. Unknown keys are refused: a typo such as `cluster` must not mean "all". */
export const CapacityReportEventSchema = z.strictObject({
  clusters: z.optional(
    z.array(z.string().check(z.trim(), z.minLength(1, 'a cluster name must not be empty'))),
  ),
});
export type CapacityReportEvent = z.infer<typeof CapacityReportEventSchema>;

/**
 * Validates the event. An EventBridge "Scheduled Event" (a schedule rule without an input) means
 * "every cluster".
 * @throws InvalidEventError naming the bad field and the expected shape.
 */
export const parseCapacityReportEvent = (event: unknown): CapacityReportEvent => {
  if (event === undefined || event === null) return {};
  if (typeof event === 'object' && (event as Record<string, unknown>)['detail-type'] === 'Scheduled Event') {
    return {};
  }
  const result = CapacityReportEventSchema.safeParse(event);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  throw new InvalidEventError(
    `capacity-report event: field '${formatIssuePath(issue.path)}' is invalid: ${issue.message}. ` +
      'Expected { "clusters"?: ["cluster-name", ...] } (omit clusters to report every managed cluster).',
  );
};

/** Dependencies the handler's tests and the simulator may replace. */
export interface CapacityReportDeps {
  clients?: ReaderClients;
}

/** The handler logic without middleware: observe → decide; there is no act step (dry run). */
export const reportCapacity = async (
  event: unknown,
  deps: CapacityReportDeps = {},
): Promise<CapacityReport> => {
  const { clusters } = parseCapacityReportEvent(event);
  const inputs = await readReportInputs(clusters, {
    clients: deps.clients,
    lastDecisions: deps.clients ? undefined : deploymentLastDecisionReader(),
  });
  const report = buildReport(inputs, now());
  for (const c of report.clusters) {
    logger.info('capacity report', {
      cluster: c.cluster,
      action: c.decision.action,
      from: c.decision.desiredCapacity.current,
      to: c.decision.desiredCapacity.proposed,
      reasons: c.decision.reasons,
      findings: c.findings,
      dryRun: true,
    });
  }
  return report;
};

/** The Lambda entry point. */
export const handler = middy((event: unknown) => reportCapacity(event)).use(injectLambdaContext(logger));
