/**
 * Drops Powertools Metrics' "No application metrics to publish" warning from stderr: each simulated
 * invocation that publishes nothing prints it, thousands of times per replay, burying the figures.
 * Everything else written to stderr passes through.
 */
const NOISE = 'No application metrics to publish';

/** Installs the filter for this process. */
export const quietPowertoolsWarnings = (): void => {
  const write = process.stderr.write.bind(process.stderr) as (...a: unknown[]) => boolean;
  process.stderr.write = ((chunk: unknown, ...rest: unknown[]) =>
    typeof chunk === 'string' && chunk.includes(NOISE)
      ? true
      : write(chunk, ...rest)) as typeof process.stderr.write;
};
