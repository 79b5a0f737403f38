/** `ecs-autoscaler snapshot`: records a cluster snapshot (replay it with `report --snapshot`). */
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { readerClients } from '../../shared/aws/clients.js';
import { readSnapshotAlarms } from '../../shared/aws/report-inputs.js';
import { readProviderGroups } from '../../shared/aws/scaling-readers.js';
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
        const clients = io.clients ?? readerClients(options.region);
        const read = await readClusterSnapshot(options.cluster, {
          clients,
          region: options.region,
          onProgress: progress.update ? (p) => progress.update?.(options.cluster, p) : undefined,
        });
        // The groups of the cluster's capacity providers not tagged for the scaler: simulate replays the
        // services on those providers with them (docs/simulate.md).
        const providerGroups = await readProviderGroups(clients, read, (action) => ({
          action,
          cluster: read.cluster.clusterName,
          region: read.region,
        }));
        const snapshot = providerGroups.length > 0 ? { ...read, providerGroups } : read;
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
