/** Reads and validates a snapshot file for `report --snapshot`. */
import { readFile } from 'node:fs/promises';
import { ConfigurationError } from '../shared/core/errors.js';
import { parseSnapshotAlarms } from '../shared/core/snapshot/alarms.js';
import { type ClusterSnapshot, parseSnapshot } from '../shared/core/snapshot/index.js';

/**
 * Loads one snapshot file.
 * @throws ConfigurationError when the file is missing, is not JSON, or has a bad field (named).
 */
export const loadSnapshotFile = async (file: string): Promise<ClusterSnapshot> => {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new ConfigurationError(
      code === 'ENOENT'
        ? `snapshot file ${file} not found; record one with \`ecs-autoscaler snapshot --cluster NAME --out ${file}\``
        : `snapshot file ${file} cannot be read (${code ?? String(error)})`,
      { cause: error },
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ConfigurationError(`snapshot file ${file} is not valid JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return parseSnapshotAlarms(parseSnapshot(value, `snapshot file ${file}`), `snapshot file ${file}`);
};
