/** A one-line progress indicator on stderr, only on a terminal (stdout stays clean for pipes). */
import type { ReadProgress } from '../shared/aws/snapshot-reader.js';
import type { CliIo } from './io.js';

/** Progress callbacks for a read; `done()` clears the line. No-ops when stderr is not a terminal. */
export const progressLine = (io: CliIo) => {
  if (!io.stderrIsTTY) return { update: undefined, done: () => {} };
  let shown = false;
  return {
    update: (cluster: string, p: ReadProgress) => {
      shown = true;
      io.stderr(`\r\x1b[K${cluster}: ${p.phase} read ${p.done}/${p.total}`);
    },
    done: () => {
      if (shown) io.stderr('\r\x1b[K');
      shown = false;
    },
  };
};
