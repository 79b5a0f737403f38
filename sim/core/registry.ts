/**
 * Command tables: every simulated API is a map from the SDK command name (without `Command`) to a
 * function of the request input. The SDK interception layer and `sim.call()` dispatch through them.
 */

/** One command implementation. Inputs are the SDK's input objects; outputs are plain response objects. */
export type CommandHandler = (input: Record<string, unknown>) => unknown;

/** A service's command table. */
export type CommandTable = Record<string, CommandHandler>;

/** Wraps a typed implementation for a table (inputs arrive untyped from the SDK). */
export const command =
  <I>(fn: (input: I) => unknown): CommandHandler =>
  (input) =>
    fn(input as I);

/** Commands that change state (recorded as actions in the timeline). */
export const isWriteCommand = (name: string): boolean => !/^(Describe|List|Get)/.test(name);
