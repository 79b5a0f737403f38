'use strict';
/**
 * Serverless Framework plugin: bundles the functions (scripts/build.mjs --functions) before every
 * packaging, so `sls package`, `sls deploy` and `sls deploy function` can never zip bundles older than
 * the sources — a plain `git pull && sls deploy` ships what was pulled.
 */
const { spawnSync } = require('node:child_process');
const { join } = require('node:path');

class BuildBeforePackage {
  constructor(serverless) {
    const build = () => {
      const script = join(serverless.serviceDir ?? serverless.config.servicePath, 'scripts', 'build.mjs');
      const r = spawnSync(process.execPath, [script, '--functions'], {
        cwd: serverless.serviceDir ?? serverless.config.servicePath,
        stdio: 'inherit',
      });
      if (r.status !== 0) throw new Error(`scripts/build.mjs failed (exit ${r.status ?? r.signal})`);
    };
    this.hooks = {
      'before:package:createDeploymentArtifacts': build,
      'before:deploy:function:packageFunction': build,
    };
  }
}

module.exports = BuildBeforePackage;
