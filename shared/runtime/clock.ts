/**
 * The one place handlers read the time. Real time by default; the simulator replaces it with its
 * virtual clock (`setClock`) so unmodified handlers run on simulated time.
 */
let source: () => number = () => Date.now();

/** The current time (epoch milliseconds) as handlers see it. */
export const nowMs = (): number => source();

/** The current time as a Date. */
export const now = (): Date => new Date(source());

/** Replaces the time source (simulator, tests). Returns a function that restores the previous one. */
export const setClock = (fn: () => number): (() => void) => {
  const previous = source;
  source = fn;
  return () => {
    source = previous;
  };
};

let sleeper: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits `ms` milliseconds (a retry backoff). Real timers by default; the simulator makes it advance
 * the invocation's virtual time instead (`setSleep`), so backoffs cost virtual, not wall-clock, time.
 */
export const sleep = (ms: number): Promise<void> => sleeper(ms);

/** Replaces {@link sleep} (simulator, tests). Returns a function that restores the previous one. */
export const setSleep = (fn: (ms: number) => Promise<void>): (() => void) => {
  const previous = sleeper;
  sleeper = fn;
  return () => {
    sleeper = previous;
  };
};

let randomSource: () => number = Math.random;

/** A number in [0, 1) for retry jitter. The simulator seeds it, so a run replays exactly. */
export const random = (): number => randomSource();

/** Replaces {@link random} (simulator, tests). Returns a function that restores the previous one. */
export const setRandom = (fn: () => number): (() => void) => {
  const previous = randomSource;
  randomSource = fn;
  return () => {
    randomSource = previous;
  };
};
