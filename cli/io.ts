/**
 * What a CLI command may touch: its output streams and, for tests, the AWS clients and the clock.
 * Commands never write to process.stdout directly, so tests run them in-process.
 */
import type { ReaderClients } from '../shared/aws/clients.js';

/** The CLI's view of its environment. */
export interface CliIo {
  /** Report and snapshot output (stays clean: only the result goes here). */
  stdout: (text: string) => void;
  /** Progress, errors and status lines. */
  stderr: (text: string) => void;
  /** Whether stdout is a terminal (table by default) — `--json` forces JSON. */
  stdoutIsTTY: boolean;
  /** Whether stderr is a terminal (progress lines are shown only then). */
  stderrIsTTY: boolean;
  /** AWS clients to use instead of the default ones (tests). */
  clients?: ReaderClients;
}

/** The process's own streams. */
export const processIo = (): CliIo => ({
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  stdoutIsTTY: Boolean(process.stdout.isTTY),
  stderrIsTTY: Boolean(process.stderr.isTTY),
});
