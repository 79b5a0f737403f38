/**
 * Shared by the long-run scripts (fault injection, random worlds): reading `--name value` options, and
 * the live heap after a forced GC (their memory stays bounded: they print it as first / peak / last).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** The value after `--name` in `args`, or undefined. */
export const option = (args: readonly string[], name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};

/** A function that forces a GC and returns the live heap in MB. */
export const liveHeapMb = (): (() => number) => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  return () => {
    gc();
    return process.memoryUsage().heapUsed / 1024 / 1024;
  };
};
