/** `ecs-autoscaler report`: the dry-run capacity report, from live clusters and/or snapshot files. */
import type { Command } from 'commander';
import { readerClients } from '../../shared/aws/clients.js';
import { deploymentLastDecisionReader } from '../../shared/aws/decision-events.js';
import { readReportInputs } from '../../shared/aws/report-inputs.js';
import { buildReport, type ReportInput } from '../../shared/core/report/index.js';
import { now } from '../../shared/runtime/clock.js';
import type { CliIo } from '../io.js';
import { loadSnapshotFile } from '../load-snapshot.js';
import { progressLine } from '../progress.js';
import { renderReport } from '../render-table.js';
import { styleFor } from '../text-layout.js';

const collect = (value: string, previous: string[]): string[] => [...previous, value];

interface ReportOptions {
  cluster: string[];
  snapshot: string[];
  json?: boolean;
  wide?: boolean;
  instances?: boolean;
  region?: string;
}

/** Registers `report`. */
export const registerReportCommand = (program: Command, io: CliIo): void => {
  program
    .command('report')
    .description(
      'dry-run capacity report: reservation vs threshold per dimension, schedulable tasks, and what the scaler would do',
    )
    .option(
      '--cluster <name>',
      'cluster name or ARN (repeatable); default: every managed cluster',
      collect,
      [],
    )
    .option(
      '--snapshot <file>',
      'report a recorded snapshot file instead of reading AWS (repeatable)',
      collect,
      [],
    )
    .option('--json', 'print the report JSON (the default when stdout is not a terminal is still the table)')
    .option('--wide', 'every column, lines not wrapped (default: fits 80 columns)')
    .option(
      '--instances',
      'list every instance (default: clusters above 20 instances show totals per type and the abnormal ones)',
    )
    .option('--region <region>', 'AWS region (default: AWS_REGION / profile)')
    .action(async (options: ReportOptions) => {
      const inputs: ReportInput[] = [];
      // A recorded file is judged at its own time, as the scaler would have judged it when it was taken.
      for (const file of options.snapshot) {
        const snapshot = await loadSnapshotFile(file);
        inputs.push({ snapshot, at: new Date(snapshot.capturedAt) });
      }
      if (options.cluster.length > 0 || options.snapshot.length === 0) {
        const progress = progressLine(io);
        try {
          inputs.push(
            ...(await readReportInputs(options.cluster, {
              clients: io.clients ?? readerClients(options.region),
              region: options.region,
              onProgress: progress.update,
              lastDecisions: io.clients ? undefined : deploymentLastDecisionReader(options.region),
            })),
          );
        } finally {
          progress.done();
        }
      }
      const report = buildReport(inputs, now());
      io.stdout(
        options.json
          ? `${JSON.stringify(report, null, 2)}\n`
          : renderReport(report, {
              wide: options.wide,
              allInstances: options.instances,
              style: styleFor(io.stdoutIsTTY),
            }),
      );
    });
};
