/**
 * The environment that serverless.yml deploys must be accepted by the functions' own config parsers:
 * a misspelt value there would make every invocation in production stop with a configuration error.
 * Reads serverless.yml, resolves `${param:…}` from `params.default` (what `serverless deploy` uses
 * without --param), and runs each function's parser on the result.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DEFAULT_CLUSTER_POLICY } from '../../shared/core/cluster/policy.js';
import { resolveDrainDefaults } from '../../shared/core/drain/config.js';
import { loadClusterScalerConfig } from '../../shared/runtime/config.js';

interface ServerlessYml {
  params: { default: Record<string, string | number> };
  provider: { environment: Record<string, string> };
  functions: Record<string, { environment?: Record<string, string> }>;
}

const doc = parse(readFileSync('serverless.yml', 'utf8')) as ServerlessYml;

const resolve = (value: string): string =>
  String(value).replace(/\$\{param:([A-Za-z]+)\}/g, (_whole, name: string) => {
    const v = doc.params.default[name];
    if (v === undefined)
      throw new Error(`serverless.yml uses \${param:${name}} but params.default has no ${name}`);
    return String(v);
  });

const environmentOf = (fn: string): Record<string, string> =>
  Object.fromEntries(
    Object.entries({ ...doc.provider.environment, ...doc.functions[fn]?.environment }).map(([k, v]) => [
      k,
      resolve(v),
    ]),
  );

describe('deployed environment', () => {
  it('resolves every param:… variable that a function uses', () => {
    for (const fn of Object.keys(doc.functions)) expect(() => environmentOf(fn)).not.toThrow();
  });

  it.each(['cluster-scaler', 'service-scaler'])(
    'is accepted by the %s config parser, with the documented defaults',
    (fn) => {
      const config = loadClusterScalerConfig(environmentOf(fn));
      expect(config.dryRun).toBe(false);
      expect(config.namespace).toBe('EcsAutoscaler');
      expect(config.defaults).toMatchObject({
        headroomTasks: Number(doc.params.default.headroomTasks),
        maxStep: Number(doc.params.default.maxStep),
        scaleOutCooldownSeconds: Number(doc.params.default.scaleOutCooldownSeconds),
        scaleInCooldownSeconds: Number(doc.params.default.scaleInCooldownSeconds),
      });
      // The deployment's defaults are the code's defaults: the README documents one set of numbers.
      expect(config.defaults).toEqual(DEFAULT_CLUSTER_POLICY);
    },
  );

  it('is accepted by the instance-drainer config parser', () => {
    const env = environmentOf('instance-drainer');
    expect(resolveDrainDefaults(env)).toEqual({
      dryRun: false,
      maxDrainSeconds: Number(doc.params.default.maxDrainSeconds),
    });
  });

  it('names every function its own Powertools service', () => {
    for (const fn of Object.keys(doc.functions)) expect(environmentOf(fn).POWERTOOLS_SERVICE_NAME).toBe(fn);
  });
});
