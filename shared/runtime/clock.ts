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
