#!/usr/bin/env node
// `npm run release [-- <serverless package options>]`: a deployment without the Serverless Framework.
// Runs `npm run package` (which bundles the functions inside the packaging, see build-plugin.cjs), then
// derives a standalone CloudFormation template from the one osls generated — there is one template to
// maintain, serverless.yml — and writes release/:
//   template.json        for `aws cloudformation deploy`
//   <function>.zip       the code, to upload to s3://<ArtifactBucket>/<ArtifactPrefix>/
// What changes in the template: the framework's deployment bucket (and its policy and output) is
// removed; each function's code points at the ArtifactBucket / ArtifactPrefix parameters; DRY_RUN
// becomes the DryRun parameter; exports are named after the stack. Anything else that still refers
// to the framework's bucket fails the release.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { standaloneTemplate } from './release-template.mjs';

const OUT = 'release';
const SLS = '.serverless';

const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.error) throw r.error;
  if (r.status !== 0) process.exit(r.status ?? 1);
};

run('node', ['scripts/package.mjs', ...process.argv.slice(2)]);

const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
const template = JSON.parse(readFileSync(join(SLS, 'cloudformation-template-update-stack.json'), 'utf8'));

const { template: standalone, zips } = standaloneTemplate(template, version);
const text = JSON.stringify(standalone, null, 2);

rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT);
writeFileSync(join(OUT, 'template.json'), `${text}\n`);
for (const zip of zips) copyFileSync(join(SLS, zip), join(OUT, zip));

const which = spawnSync('sh', ['-c', 'command -v cfn-lint'], { encoding: 'utf8' });
if (which.status === 0 && which.stdout.trim()) {
  run('cfn-lint', ['--ignore-checks', 'W3005', '--', join(OUT, 'template.json')]);
  console.log(`cfn-lint: ${OUT}/template.json clean`);
}
console.log(`release ${version}: ${OUT}/template.json + ${zips.join(', ')}
  aws s3 cp ${OUT}/ s3://BUCKET/ecs-autoscaler/${version}/ --recursive --exclude '*' --include '*.zip'
  aws cloudformation deploy --stack-name ecs-autoscaler --template-file ${OUT}/template.json \\
    --capabilities CAPABILITY_NAMED_IAM --parameter-overrides ArtifactBucket=BUCKET`);
