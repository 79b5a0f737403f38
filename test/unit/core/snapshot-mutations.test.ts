/**
 * A broken snapshot file gets a clear error (STYLE: bad input changes nothing and says what is wrong):
 * every shipped snapshot with one field deleted or replaced (wrong type, negative, huge, empty) either
 * fails parseSnapshot with a ConfigurationError naming the field, or is reported — planning included —
 * without a crash. A mutation fuzz of this kind found three holes the schemas left: `tasks[].attachments`
 * and `instanceTypes[].ProcessorInfo` read unchecked (TypeErrors), and a DesiredCapacity far above
 * MaxSize, taken for instances still to launch, which exhausted the heap.
 */
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderReport } from '../../../cli/render-table.js';
import { ConfigurationError } from '../../../shared/core/errors.js';
import { buildReport } from '../../../shared/core/report/index.js';
import { parseSnapshotAlarms } from '../../../shared/core/snapshot/alarms.js';
import { parseSnapshot } from '../../../shared/core/snapshot/snapshot.js';

const DIR = 'events/snapshots';
const files = readdirSync(DIR).filter((f) => f.endsWith('.json'));
const texts = files.map((f) => readFileSync(`${DIR}/${f}`, 'utf8'));
const VALUES = [null, '', 'x', -1, 0, 3.5, 1e12, Number.MAX_SAFE_INTEGER, [], {}, true, '2026-13-45'];

/** Every path of a JSON value (object keys and array indexes), parents before children. */
const pathsOf = (v: unknown, p: (string | number)[] = [], out: (string | number)[][] = []) => {
  if (v && typeof v === 'object') {
    for (const [k, child] of Object.entries(v)) {
      const q = [...p, Array.isArray(v) ? Number(k) : k];
      out.push(q);
      pathsOf(child, q, out);
    }
  }
  return out;
};

describe('a mutated snapshot', () => {
  it('is either refused with the field named, or reported without a crash', () => {
    const outcomes = { refused: 0, reported: 0 };
    fc.assert(
      fc.property(
        fc.noBias(fc.nat(files.length - 1)),
        fc.noBias(fc.nat()),
        fc.option(fc.noBias(fc.nat(VALUES.length - 1)), { freq: 3 }),
        (file, where, value) => {
          const snap = JSON.parse(texts[file]!);
          const paths = pathsOf(snap);
          const path = paths[where % paths.length]!;
          let parent = snap;
          for (const k of path.slice(0, -1)) parent = parent[k];
          const last = path.at(-1)!;
          if (value === null) {
            if (Array.isArray(parent)) parent.splice(Number(last), 1);
            else delete parent[last];
          } else parent[last] = structuredClone(VALUES[value]);
          let parsed: ReturnType<typeof parseSnapshot>;
          try {
            // As a snapshot file is loaded (cli/load-snapshot.ts): its alarms are checked where read.
            parsed = parseSnapshotAlarms(
              parseSnapshot(snap, `snapshot file ${files[file]}`),
              `snapshot file ${files[file]}`,
            );
          } catch (error) {
            expect(error).toBeInstanceOf(ConfigurationError);
            expect((error as Error).message).toMatch(/^snapshot file \S+: field '[^']+' is invalid: /);
            outcomes.refused++;
            return;
          }
          const report = buildReport([{ snapshot: parsed }], new Date('2026-12-06T00:00:00Z'));
          expect(renderReport(report)).toContain('capacity report');
          outcomes.reported++;
        },
      ),
      { numRuns: 1000, seed: 23 },
    );
    // Both outcomes were met: the property checked refusals and reports alike.
    expect(outcomes.refused).toBeGreaterThan(50);
    expect(outcomes.reported).toBeGreaterThan(50);
  });
});
