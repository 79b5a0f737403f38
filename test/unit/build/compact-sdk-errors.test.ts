/**
 * scripts/compact-sdk-errors.mjs: the function bundles' Auto Scaling exception classes, written as one
 * factory, are the SDK's classes — same names, faults, messages, `Message`, metadata and prototype chain —
 * and a class of any other shape fails the build.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as real from '@aws-sdk/client-auto-scaling';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { compactSdkErrors } from '../../../scripts/compact-sdk-errors.mjs';

const require = createRequire(import.meta.url);
const errorsFile = join(
  dirname(require.resolve('@aws-sdk/client-auto-scaling/package.json')),
  'dist-es',
  'models',
  'errors.js',
);
const source = readFileSync(errorsFile, 'utf8');
const names = [...source.matchAll(/^export class (\w+)/gm)].map((m) => m[1]!);

/** The compact module, bundled as the function build bundles it. */
const compact = async (): Promise<Record<string, new (o: object) => Error>> => {
  const out = await build({
    stdin: { contents: `export * from ${JSON.stringify(errorsFile)};`, resolveDir: process.cwd() },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    logLevel: 'silent',
    plugins: [
      {
        name: 'compact',
        setup(b) {
          b.onLoad({ filter: /models[\\/]errors\.js$/ }, (args) => ({
            contents: compactSdkErrors(readFileSync(args.path, 'utf8'), args.path),
            loader: 'js',
          }));
        },
      },
    ],
  });
  const code = out.outputFiles[0]!.text;
  return import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);
};

const describeError = (e: Error & Record<string, unknown>) => ({
  name: e.name,
  fault: e.$fault,
  message: e.message,
  Message: e.Message,
  metadata: e.$metadata,
  isError: e instanceof Error,
  own: Object.keys(e).sort(),
  depth: (() => {
    let n = 0;
    for (let p = Object.getPrototypeOf(e); p; p = Object.getPrototypeOf(p)) n++;
    return n;
  })(),
});

describe('compactSdkErrors (Auto Scaling exception classes in the function bundles)', () => {
  it("exports every class of the SDK's errors.js, each behaving as the SDK's", async () => {
    expect(names.length).toBeGreaterThan(5);
    const mod = await compact();
    expect(Object.keys(mod).sort()).toEqual([...names].sort());
    const opts = { message: 'boom', Message: 'Boom', $metadata: { httpStatusCode: 400, requestId: 'r-1' } };
    for (const name of names) {
      const Ours = mod[name]!;
      const Theirs = (real as unknown as Record<string, new (o: object) => Error>)[name]!;
      const ours = new Ours(opts) as Error & Record<string, unknown>;
      const theirs = new Theirs(opts) as Error & Record<string, unknown>;
      expect(describeError(ours), name).toEqual(describeError(theirs));
      expect(ours).toBeInstanceOf(Ours);
      // One class per name: an instance of one is not an instance of another.
      for (const other of names.filter((n) => n !== name)) expect(ours instanceof mod[other]!).toBe(false);
    }
  });

  it('fails on a class of another shape rather than guessing', () => {
    const changed = source.replace('$fault = "client";', '$fault = "client";\n    retryable = true;');
    expect(() => compactSdkErrors(changed, 'errors.js')).toThrow(/another shape/);
    expect(() => compactSdkErrors('export const x = 1;\n', 'errors.js')).toThrow(/another shape/);
  });
});
