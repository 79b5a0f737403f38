/**
 * `npm run release`'s template, derived from the one `npm run package` generated: deployable with
 * `aws cloudformation deploy` alone — no Serverless deployment bucket left, code from the ArtifactBucket
 * parameter, DRY_RUN from the DryRun parameter, exports named after the stack.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { standaloneTemplate } from '../../scripts/release-template.mjs';

const TEMPLATE = '.serverless/cloudformation-template-update-stack.json';
type Resource = { Type: string; Properties: Record<string, unknown> };
type Template = {
  Parameters: Record<string, { Default?: string }>;
  Resources: Record<string, Resource>;
  Outputs?: Record<string, { Export?: { Name: unknown } }>;
};

describe.runIf(existsSync(TEMPLATE))('the release template', () => {
  const generated = JSON.parse(readFileSync(TEMPLATE, 'utf8')) as Record<string, unknown>;
  const { template, zips } = standaloneTemplate(generated, '9.8.7') as {
    template: Template;
    zips: string[];
  };
  const functions = Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::Lambda::Function');

  it('has no Serverless deployment bucket left', () => {
    expect(JSON.stringify(template)).not.toContain('ServerlessDeploymentBucket');
  });

  it('takes every function zip from ArtifactBucket/ArtifactPrefix, one zip per function', () => {
    expect(functions.length).toBeGreaterThanOrEqual(4);
    expect(zips).toHaveLength(functions.length);
    for (const [, f] of functions) {
      const zip = (f.Properties.Code as { S3Key: { 'Fn::Sub': string } }).S3Key['Fn::Sub'];
      expect(f.Properties.Code).toMatchObject({ S3Bucket: { Ref: 'ArtifactBucket' } });
      expect(zips).toContain(zip.replace(`\${ArtifactPrefix}/`, ''));
    }
    expect(template.Parameters.ArtifactPrefix?.Default).toBe('ecs-autoscaler/9.8.7');
    expect(template.Parameters.ArtifactBucket?.Default).toBeUndefined();
  });

  it('sets every function DRY_RUN from the DryRun parameter, default false', () => {
    for (const [, f] of functions) {
      const env = (f.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(env.DRY_RUN).toEqual({ Ref: 'DryRun' });
      expect(env.NODE_OPTIONS).toBeUndefined();
    }
    expect(template.Parameters.DryRun?.Default).toBe('false');
  });

  it('names its exports after the stack, so two stacks can coexist', () => {
    for (const o of Object.values(template.Outputs ?? {})) {
      if (o.Export) expect(JSON.stringify(o.Export.Name)).toContain(`\${AWS::StackName}-`);
    }
  });

  it('refuses a template whose function code is not in the framework bucket', () => {
    const odd = structuredClone(generated) as Template;
    const [, first] = Object.entries(odd.Resources).find(([, r]) => r.Type === 'AWS::Lambda::Function')!;
    first.Properties.Code = { ZipFile: 'inline' };
    expect(() => standaloneTemplate(odd as unknown as Record<string, unknown>, '1.0.0')).toThrow(
      /unexpected Code/,
    );
  });
});
