/**
 * The `ecs-autoscaler` command. Each command registers itself from its own file (cli/commands/*), so
 * new ones (`simulate`) plug in without touching the others.
 *
 * Exit codes: 0 success; 2 bad input the user must fix (unknown cluster, missing credentials, bad
 * snapshot file, bad option); 1 anything else (AWS throttling or outage: retry).
 */
import './env-defaults.js';
import { readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { AutoscalerError, describeError } from '../shared/core/errors.js';
import { registerReportCommand } from './commands/report.js';
import { registerSimulateCommand } from './commands/simulate.js';
import { registerSnapshotCommand } from './commands/snapshot.js';
import { type CliIo, processIo } from './io.js';

/** A function that adds one command to the program. */
export type RegisterCommand = (program: Command, io: CliIo) => void;

/** The commands, in help order. */
export const COMMANDS: RegisterCommand[] = [
  registerReportCommand,
  registerSnapshotCommand,
  registerSimulateCommand,
];

/** The package's version: package.json sits one folder above this file in a checkout and in dist/ alike. */
export const cliVersion = (): string =>
  (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string })
    .version;

/** Builds the program with its commands; errors are thrown, not turned into process exits. */
export const buildProgram = (io: CliIo, commands: readonly RegisterCommand[] = COMMANDS): Command => {
  const program = new Command('ecs-autoscaler')
    .description('Event-driven autoscaler for Amazon ECS clusters on EC2')
    .version(cliVersion(), '-V, --version', 'print the version')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  for (const register of commands) register(program, io);
  // Commander does not mark required options in --help: say it in their description.
  for (const command of program.commands) {
    for (const option of command.options) {
      if (option.mandatory && !option.description.startsWith('(required)')) {
        option.description = `(required) ${option.description}`;
      }
    }
  }
  return program;
};

/**
 * Runs the CLI with `argv` (as process.argv: node, script, args…) and returns the exit code.
 * Errors become one line on stderr.
 */
export const runCli = async (argv: readonly string[], io: CliIo = processIo()): Promise<number> => {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv]);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; usage errors were already printed by commander.
      return error.exitCode === 0 ? 0 : 2;
    }
    io.stderr(`ecs-autoscaler: ${describeError(error)}\n`);
    return error instanceof AutoscalerError && !error.retryable ? 2 : 1;
  }
};

const isEntryPoint = (): boolean => {
  try {
    return realpathSync(process.argv[1] ?? '') === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
};

if (isEntryPoint()) process.exitCode = await runCli(process.argv);
