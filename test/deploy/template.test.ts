/**
 * Reads the CloudFormation template that `npm run package` generated and fails on what an operator
 * reviewing the stack must never find: a function without its trigger, a `*` action, a mutating action
 * on `*` without a condition, a function bundle over 1 MB.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const TEMPLATE = '.serverless/cloudformation-template-update-stack.json';
/** Functions invoked by hand only (no trigger by design). */
const MANUAL = new Set(['capacity-report']);
const MAX_BUNDLE_BYTES = 1024 * 1024;

type Resource = { Type: string; Properties: Record<string, unknown> };
interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

const hasTemplate = existsSync(TEMPLATE);
const template = hasTemplate
  ? (JSON.parse(readFileSync(TEMPLATE, 'utf8')) as { Resources: Record<string, Resource> })
  : { Resources: {} };
const resources = Object.entries(template.Resources);
const ofType = (type: string) => resources.filter(([, r]) => r.Type === type);

const functionName = (r: Resource): string =>
  String(r.Properties.FunctionName).replace(/^ecs-autoscaler-[^-]+-/, '');
const refersTo = (value: unknown, logicalId: string): boolean =>
  JSON.stringify(value).includes(`"${logicalId}"`);
const isReadOnly = (action: string): boolean => /^[a-z-]+:(Describe|List|Get)[A-Za-z]*$/.test(action);
const statements = (): { role: string; policy: string; statement: Statement }[] =>
  ofType('AWS::IAM::Role').flatMap(([role, r]) =>
    (
      (r.Properties.Policies ?? []) as { PolicyName: string; PolicyDocument: { Statement: Statement[] } }[]
    ).flatMap((p) =>
      p.PolicyDocument.Statement.map((statement) => ({ role, policy: p.PolicyName, statement })),
    ),
  );

describe.runIf(hasTemplate)('generated CloudFormation template', () => {
  it('gives every function except the manual report at least one EventBridge rule or schedule', () => {
    const rules = ofType('AWS::Events::Rule');
    const functions = ofType('AWS::Lambda::Function');
    expect(functions.map(([, r]) => functionName(r)).sort()).toEqual([
      'capacity-report',
      'cluster-scaler',
      'instance-drainer',
      'service-scaler',
    ]);
    for (const [id, fn] of functions) {
      const triggers = rules.filter(([, rule]) => refersTo(rule.Properties.Targets, id));
      if (MANUAL.has(functionName(fn))) expect(triggers).toHaveLength(0);
      else expect(triggers.length, `${functionName(fn)} has no trigger`).toBeGreaterThan(0);
    }
  });

  it('gives each function its own role', () => {
    const roles = ofType('AWS::Lambda::Function').map(([, r]) => JSON.stringify(r.Properties.Role));
    expect(new Set(roles).size).toBe(roles.length);
  });

  it('grants no wildcard action', () => {
    const wildcards = statements().filter(({ statement }) =>
      [statement.Action].flat().some((a) => a === '*' || a.endsWith(':*')),
    );
    expect(wildcards).toEqual([]);
  });

  it('scopes every mutating action to resource ARNs or a condition, never to a bare *', () => {
    // A Resource may be a string, an intrinsic ({ Fn::Sub }) or a list of them; "*" in any form counts.
    const resourcesOf = (r: unknown): string[] =>
      [r].flat().map((x) => (typeof x === 'string' ? x : JSON.stringify(Object.values(x as object)[0])));
    // "*", or every resource of a service in the account (arn:…:<service>:<region>:<account>:*).
    // `${AWS::Region}`-style parameters hold colons: replace them before splitting the ARN.
    const isWildcard = (raw: string): boolean => {
      const arn = raw.replace(/\$\{[^}]+\}/g, 'P').replace(/^"|"$/g, '');
      return arn === '*' || /^arn:[^:]*:[^:]*:[^:]*:[^:]*:\*$/.test(arn);
    };
    const offenders = statements()
      .filter(
        ({ statement }) =>
          resourcesOf(statement.Resource).some(isWildcard) && statement.Condition === undefined,
      )
      .flatMap(({ role, statement }) =>
        [statement.Action]
          .flat()
          .filter((a) => !isReadOnly(a))
          .map((a) => `${role}: ${a}`),
      );
    expect(offenders).toEqual([]);
  });

  it('keeps every function bundle under 1 MB (and reports the sizes)', () => {
    for (const [, fn] of ofType('AWS::Lambda::Function')) {
      const name = functionName(fn);
      const bundle = `.esbuild/functions/${name}/handler.mjs`;
      const zip = `.serverless/${name}.zip`;
      const size = statSync(bundle).size;
      console.log(
        `bundle ${name}: ${(size / 1024).toFixed(1)} KiB (zip ${(statSync(zip).size / 1024).toFixed(1)} KiB)`,
      );
      expect(size).toBeLessThan(MAX_BUNDLE_BYTES);
    }
  });
});

// In CI `npm test` packages before testing, so a missing template is a failure there, not a skip.
it.runIf(process.env.CI)('finds the generated template in CI', () => {
  expect(existsSync(TEMPLATE)).toBe(true);
});
