/**
 * `ecs-autoscaler simulate`: "what would the autoscaler have done on my cluster" — starts the simulator
 * from a recorded snapshot, replays a load trace under the project and/or the baselines, prints the
 * figures of bench:scaling (cost units — instance-hours weighted by on-demand price relative to the
 * cheapest type —, lower bound and packing reference in cost units, instance-hours, pending-task-minutes,
 * longest wait, scaling actions, reversals) and writes an SVG chart. Reads no AWS account: everything is simulated.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { ConfigurationError } from '../../shared/core/errors.js';
import type { ClusterSnapshot } from '../../shared/core/snapshot/index.js';
import { POLICIES, type PolicyName, projectHandlersPresent, runWorld } from '../../sim/replay/replay.js';
import type { RunFigures } from '../../sim/replay/run-metrics.js';
import { buildSnapshotWorld, shapeTraceForSnapshot } from '../../sim/replay/snapshot-world.js';
import { BUILTIN_TRACES } from '../../sim/traces/builtin.js';
import { parseTraceFile, type Trace, traceServices } from '../../sim/traces/trace.js';
import type { CliIo } from '../io.js';
import { loadSnapshotFile } from '../load-snapshot.js';
import { type PolicyRun, renderSimulateChart, sideBySide } from '../simulate-output.js';
import { styleFor } from '../text-layout.js';

const collect = (value: string, previous: string[]): string[] => [...previous, value];

interface SimulateOptions {
  snapshot: string;
  trace: string;
  policy: string[];
  seed: string;
  json?: boolean;
  out: string;
}

/** The trace: a built-in shape applied to the snapshot's services, or a file naming its services. */
const loadTrace = async (spec: string, snapshot: ClusterSnapshot): Promise<Trace> => {
  const builtin = BUILTIN_TRACES[spec];
  if (builtin) return shapeTraceForSnapshot(builtin(), snapshot);
  let text: string;
  try {
    text = await readFile(spec, 'utf8');
  } catch (error) {
    throw new ConfigurationError(
      `trace ${spec} is neither a built-in trace (${Object.keys(BUILTIN_TRACES).join(', ')}) nor a readable file (${(error as { code?: string }).code ?? String(error)})`,
      { cause: error },
    );
  }
  const trace = parseTraceFile(text, spec);
  const known = new Set(snapshot.services.filter((s) => s.status === 'ACTIVE').map((s) => s.serviceName));
  const unknown = traceServices(trace).filter((s) => !known.has(s));
  if (unknown.length > 0) {
    throw new ConfigurationError(
      `trace ${spec} names service(s) ${unknown.join(', ')} that cluster ${snapshot.cluster.clusterName} does not have; services in the snapshot: ${[...known].join(', ')}`,
    );
  }
  return trace;
};

const parsePolicies = (names: readonly string[]): PolicyName[] => {
  const wanted = names.length > 0 ? names : [...POLICIES];
  for (const n of wanted) {
    if (!POLICIES.includes(n as PolicyName)) {
      throw new ConfigurationError(`unknown policy '${n}'; use one or more of: ${POLICIES.join(', ')}`);
    }
  }
  return wanted as PolicyName[];
};

/** Registers `simulate`. */
export const registerSimulateCommand = (program: Command, io: CliIo): void => {
  program
    .command('simulate')
    .description(
      'replay a load trace on a simulated copy of a recorded cluster under the autoscaler and the baselines',
    )
    .requiredOption('--snapshot <file>', 'a snapshot file (record one with `ecs-autoscaler snapshot`)')
    .option(
      '--trace <file|name>',
      `a trace file (JSON or CSV, see sim/traces/README.md) or a built-in shape: ${Object.keys(BUILTIN_TRACES).join(', ')}`,
      'diurnal',
    )
    .option('--policy <name>', `${POLICIES.join(' | ')} (repeatable; default: all)`, collect, [])
    .option('--seed <n>', 'random seed of the simulation (same seed, same run)', '1')
    .option('--json', 'print the figures as JSON, keyed by policy')
    .option('--out <dir>', 'folder for the SVG chart', 'sim-out')
    .action(async (options: SimulateOptions) => {
      const snapshot = await loadSnapshotFile(options.snapshot);
      const trace = await loadTrace(options.trace, snapshot);
      const policies = parsePolicies(options.policy);
      const seed = Number(options.seed);
      if (!Number.isInteger(seed)) throw new ConfigurationError(`--seed '${options.seed}' is not an integer`);
      if (policies.includes('ecs-autoscaler')) {
        // The handlers this program carries (statically imported, so the compiled CLI has them too).
        (await import('../project-functions.js')).useBundledFunctions();
      }
      // Lambda always sets AWS_REGION; without it every simulated call would walk the SDK's region
      // chain (environment, profile files) again.
      process.env.AWS_REGION ??= 'us-east-1';
      // Likewise its role's credentials: DescribeInstanceTypes is a signed request the simulator answers
      // over fetch (shared/aws/instance-types.ts), and signing must not walk the credential chain (IMDS).
      // Nothing leaves the process: every call is answered by the simulator.
      if (!process.env.AWS_ACCESS_KEY_ID) {
        process.env.AWS_ACCESS_KEY_ID = 'ASIASIMULATED';
        process.env.AWS_SECRET_ACCESS_KEY = 'simulated';
      }
      if (policies.includes('ecs-autoscaler') && !projectHandlersPresent()) {
        throw new ConfigurationError(
          'this installation lacks the cluster-scaler or instance-drainer function',
        );
      }
      const figures: Record<string, RunFigures> = {};
      const runs: PolicyRun[] = [];
      const started = Date.now();
      const runPolicies = async (): Promise<void> => {
        for (const [k, policy] of policies.entries()) {
          const world = buildSnapshotWorld(snapshot, policy, seed);
          if (k === 0) for (const note of world.notes ?? []) io.stderr(`note: ${note}\n`);
          const label = `simulating ${policy} (${k + 1}/${policies.length})`;
          if (io.stderrIsTTY) {
            // Progress in simulated time, every 5 % of the trace, on one overwritten line.
            for (let p = 0; p < 100; p += 5) {
              world.sim.at((trace.durationSeconds * p) / 100, () => io.stderr(`\r\x1b[K${label}: ${p} %`));
            }
          }
          const t0 = Date.now();
          const r = await runWorld(world, trace, policy);
          if (io.stderrIsTTY) io.stderr('\r\x1b[K');
          io.stderr(`${policy}: ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
          figures[policy] = r.figures;
          runs.push({ policy, figures: r.figures, samples: r.samples });
          if (r.violations.length > 0) {
            io.stderr(
              `${policy}: ${r.violations.length} invariant violation(s): ${r.violations[0]!.message}\n`,
            );
          }
        }
      };
      // The handlers read their settings from process.env many times per invocation (Powertools on
      // every log and metric) and the simulator sets each function's environment around each
      // invocation: on a plain copy (same values, as strings) these are property accesses instead of
      // calls into the C++ environment. Restored when the runs end.
      const realEnv = process.env;
      process.env = { ...realEnv };
      try {
        await runPolicies();
      } finally {
        process.env = realEnv;
      }
      await mkdir(options.out, { recursive: true });
      const file = join(
        options.out,
        `simulate-${snapshot.cluster.clusterName}-${options.trace.replace(/[^\w.-]+/g, '_')}.svg`,
      );
      await writeFile(file, renderSimulateChart(`${snapshot.cluster.clusterName}: ${trace.name}`, runs));
      if (options.json) {
        io.stdout(`${JSON.stringify(figures, null, 2)}\n`);
      } else {
        const hours = (trace.durationSeconds / 3600).toFixed(trace.durationSeconds % 3600 ? 1 : 0);
        io.stdout(
          sideBySide(`${trace.name}, ${hours} h, cluster ${snapshot.cluster.clusterName}`, runs, {
            width: 80,
            style: styleFor(io.stdoutIsTTY),
          }),
        );
      }
      io.stderr(`simulated in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
      io.stderr(`chart: ${file}\n`);
    });
};
