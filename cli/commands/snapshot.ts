/** `ecs-autoscaler snapshot`: records a cluster snapshot (replay it with `report --snapshot`). */
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { readerClients } from '../../shared/aws/clients.js';
import { readSnapshotAlarms } from '../../shared/aws/report-inputs.js';
import { serviceAlarmLister } from '../../shared/aws/service-alarm-reader.js';
import { readClusterSnapshot } from '../../shared/aws/snapshot-reader.js';
import type { CliIo } from '../io.js';
import { progressLine } from '../progress.js';

interface SnapshotOptions {
  cluster: string;
  out?: string;
  region?: string;
}

/** Registers `snapshot`. */
export const registerSnapshotCommand = (program: Command, io: CliIo): void => {
  program
    .command('snapshot')
    .description(
      'record a snapshot of a cluster (raw AWS API objects, JSON) to replay with report --snapshot',
    )
    .requiredOption('--cluster <name>', 'cluster name or ARN')
    .option('--out <file>', 'write to this file (default: stdout)')
    .option('--region <region>', 'AWS region (default: AWS_REGION / profile)')
    .action(async (options: SnapshotOptions) => {
      const progress = progressLine(io);
      let json: string;
      try {
        const snapshot = await readClusterSnapshot(options.cluster, {
          clients: io.clients ?? readerClients(options.region),
          region: options.region,
          onProgress: progress.update ? (p) => progress.update?.(options.cluster, p) : undefined,
        });
        await readSnapshotAlarms([snapshot], serviceAlarmLister(options.region));
        json = `${JSON.stringify(snapshot, null, 2)}\n`;
        if (options.out) {
          await writeFile(options.out, json);
          io.stderr(
            `wrote ${options.out}: cluster ${snapshot.cluster.clusterName}, ${snapshot.containerInstances.length} instances, ${snapshot.services.length} services, ${snapshot.alarms?.length ?? 0} service alarms\n`,
          );
          return;
        }
      } finally {
        progress.done();
      }
      io.stdout(json);
    });
};
