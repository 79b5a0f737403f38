// The standalone CloudFormation template of a release, derived from the one osls generates (see
// release.mjs). Pure: template in, template out; throws on anything it does not expect.
import { basename } from 'node:path';

const BUCKET = 'ServerlessDeploymentBucket';

/**
 * @param {Record<string, any>} generated the osls template (cloudformation-template-update-stack.json)
 * @param {string} version the package version (default ArtifactPrefix ecs-autoscaler/<version>)
 * @returns {{ template: Record<string, any>, zips: string[] }} the new template and the zips it expects
 */
export const standaloneTemplate = (generated, version) => {
  const template = structuredClone(generated);
  const fail = (message) => {
    throw new Error(`release: ${message}`);
  };
  template.Description = `${template.Description ?? 'ecs-autoscaler'} (release ${version}: aws cloudformation deploy, code in s3://ArtifactBucket/ArtifactPrefix/)`;
  template.Parameters = {
    ArtifactBucket: {
      Type: 'String',
      AllowedPattern: '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$',
      Description: 'S3 bucket (in this region) holding the function zips of release/',
    },
    ArtifactPrefix: {
      Type: 'String',
      Default: `ecs-autoscaler/${version}`,
      Description: 'Key prefix of the zips in ArtifactBucket (a new prefix per version updates the code)',
    },
    DryRun: {
      Type: 'String',
      Default: 'false',
      AllowedValues: ['false', 'true'],
      Description: 'true: every function plans and logs, and writes nothing',
    },
    ...template.Parameters,
  };

  delete template.Resources[BUCKET];
  delete template.Resources[`${BUCKET}Policy`];
  if (template.Outputs) delete template.Outputs[`${BUCKET}Name`];

  const zips = [];
  for (const [id, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const code = resource.Properties.Code;
    if (code?.S3Bucket?.Ref !== BUCKET || typeof code.S3Key !== 'string') {
      fail(`${id}: unexpected Code ${JSON.stringify(code)}`);
    }
    const zip = basename(code.S3Key);
    zips.push(zip);
    resource.Properties.Code = {
      S3Bucket: { Ref: 'ArtifactBucket' },
      S3Key: { 'Fn::Sub': `\${ArtifactPrefix}/${zip}` },
    };
    const env = resource.Properties.Environment?.Variables;
    if (env && 'DRY_RUN' in env) env.DRY_RUN = { Ref: 'DryRun' };
  }
  for (const [key, output] of Object.entries(template.Outputs ?? {})) {
    if (output.Export) output.Export.Name = { 'Fn::Sub': `\${AWS::StackName}-${key}` };
  }
  if (JSON.stringify(template).includes(BUCKET)) fail(`the template still refers to ${BUCKET}`);
  if (zips.length === 0) fail('no function found in the template');
  return { template, zips };
};
