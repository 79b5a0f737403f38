#!/usr/bin/env node
// `node scripts/build.mjs [--cli | --functions] [--analyze]`
// - Bundles every Lambda function (functions/<name>/handler.ts) into its own ESM file,
//   .esbuild/functions/<name>/handler.mjs, for `serverless package` to zip one by one (target node20,
//   mainFields module,main: the SDK's ES builds, ~40 % smaller bundles). No source maps: Node does not
//   parse a map at every cold start, and the minified frames still give the file and column. Each bundle's esbuild metafile goes to .esbuild/meta/<name>.json (outside the
//   zipped folder); `--analyze` prints each bundle's biggest contributors by package.
// - Compiles the command line into dist/cli.mjs (the package's `bin`): one self-contained file, every
//   dependency bundled (ES builds, like the functions) — Node parses one file instead of resolving
//   and compiling hundreds of SDK modules at every start, and no devDependency is needed at run time.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { compactSdkErrors } from './compact-sdk-errors.mjs';

// On Lambda the credentials are always the function role's, in AWS_ACCESS_KEY_ID /
// AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN. The SDK's default chain (SSO, profiles, web identity, STS,
// IMDS, …: ~95 KiB with the nested STS/SSO clients, all evaluated at load) is replaced by the
// environment provider in the function bundles only; the CLI keeps the full chain.
const lambdaCredentials = {
  name: 'lambda-credentials',
  setup(b) {
    b.onResolve({ filter: /^@aws-sdk\/credential-provider-node$/ }, () => ({
      path: 'credential-provider-node',
      namespace: 'lambda-credentials',
    }));
    b.onLoad({ filter: /.*/, namespace: 'lambda-credentials' }, () => ({
      contents:
        "import { fromEnv } from '@aws-sdk/credential-provider-env';\nexport const defaultProvider = (init = {}) => fromEnv(init);\n",
      loader: 'js',
      resolveDir: process.cwd(),
    }));
  },
};

// The functions make a handful of calls to five AWS JSON services; each SDK client's model and error
// classes are 13–83 KiB of a bundle. Lambda bundles get a stand-in per client instead (shared/aws/lambda/
// <service>-json.ts over json-client.ts): the same surface for the commands the functions send, over one
// signed AWS JSON request (tests: test/unit/aws/*-json.test.ts). The CLI, the tests and the simulator keep
// the real clients. Auto Scaling (an XML Query service, whose answers need its model to be typed) stays real.
// The package → stand-in table: shared/aws/lambda/stand-ins.json.
const LAMBDA_STAND_INS = JSON.parse(readFileSync(join('shared', 'aws', 'lambda', 'stand-ins.json'), 'utf8'));
const lambdaStandIns = {
  name: 'lambda-stand-ins',
  setup(b) {
    b.onResolve({ filter: /^@aws-sdk\/client-[a-z-]+$/ }, (args) =>
      LAMBDA_STAND_INS[args.path]
        ? { path: resolve('shared', 'aws', 'lambda', LAMBDA_STAND_INS[args.path]) }
        : undefined,
    );
  },
};

// @smithy/core's HTTP protocols import its event-stream codec (15 KiB) for the operations that stream
// events; none of the calls the functions make does (Auto Scaling). The function bundles get a
// module that fails loudly if one ever does.
const noEventStreams = {
  name: 'no-event-streams',
  setup(b) {
    b.onResolve({ filter: /^@smithy\/core\/event-streams$/ }, () => ({
      path: 'event-streams',
      namespace: 'no-event-streams',
    }));
    b.onLoad({ filter: /.*/, namespace: 'no-event-streams' }, () => ({
      contents:
        "const no = () => { throw new Error('event streams are not built into the function bundles (scripts/build.mjs)'); };\n" +
        'export class EventStreamSerde { constructor() { no(); } }\nexport const eventStreamSerdeProvider = no;\n',
      loader: 'js',
    }));
  },
};

// @smithy/core's SHA-256 falls back to a pure-JS implementation (3.3 KiB) where `node:crypto` cannot
// hash; Lambda's Node.js always can. The function bundles get a fallback that fails loudly instead.
const nativeSha256 = {
  name: 'native-sha256',
  setup(b) {
    b.onResolve({ filter: /^\.\/Sha256Js$/ }, (args) =>
      /Sha256Node\.js$/.test(args.importer) ? { path: 'Sha256Js', namespace: 'native-sha256' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'native-sha256' }, () => ({
      contents:
        "export class Sha256Js { constructor() { throw new Error('node:crypto cannot hash SHA-256 here (scripts/build.mjs)'); } }\n",
      loader: 'js',
    }));
  },
};

// @aws-lambda-powertools/batch 2.35 (the newest published) brings its own @aws-lambda-powertools/commons
// 2.35 beside the 2.36 that logger and metrics use; the env helpers it imports are the same code in both
// (2.36 adds comments and InvocationScoped). One copy in the bundles (~0.3 KiB): batch's imports of commons
// resolve to the top-level package — checked: a file batch imports that 2.36 lacks stops the build.
const oneCommons = {
  name: 'one-commons',
  setup(b) {
    b.onResolve({ filter: /^@aws-lambda-powertools\/commons/ }, async (args) => {
      if (args.pluginData?.oneCommons || !/[\\/]batch[\\/]lib[\\/]/.test(args.importer)) return undefined;
      const r = await b.resolve(args.path, {
        kind: args.kind,
        resolveDir: resolve('.'),
        pluginData: { oneCommons: true },
      });
      if (r.errors.length > 0) throw new Error(`one-commons: ${args.path} is not in the top-level commons`);
      return { path: r.path };
    });
  },
};

// Two @smithy/core paths a function never takes: the region from the EC2 instance metadata service
// (Lambda always sets AWS_REGION and AWS_EXECUTION_ENV, and a function has no IMDS: the lookup could only
// fail; 1.2 KiB), and the S3 endpoint customizations (the functions call no S3; 0.8 KiB). The function
// bundles get a region lookup that finds none (the SDK then says "Region is missing", as after a failed
// IMDS call) and an S3 hook that fails loudly. Also @aws-sdk/core's warning for Node below 22, which
// never fires on the functions' runtime (nodejs22.x, serverless.yml and the release template): 0.6 KiB.
// And @aws-sdk/core's user-agent feature check, which only adds the SDK's feature metrics (retry mode,
// account-id endpoint mode, credential source: the `m/` part of the User-Agent header, AWS's telemetry)
// to each request; nothing reads them back: 0.8 KiB. And the shared config files (`~/.aws/config`,
// `~/.aws/credentials`, AWS_CONFIG_FILE): Lambda has none, so the config chain's file link always passes to
// the next one (environment variables, AWS_ENDPOINT_URL included, come before it; defaults after); the
// stand-in passes at once, without the INI reader: 2 KiB. The CLI keeps all five.
const LAMBDA_ONLY_MODULES = {
  configFiles:
    "export const fromSharedConfigFiles = () => async () => { throw Object.assign(new Error('no shared config files in Lambda (scripts/build.mjs)'), { tryNextLink: true }); };\n",
  imds: 'export const getInstanceMetadataRegion = async () => undefined;\n',
  s3: "export const resolveParamsForS3 = () => { throw new Error('S3 is not built into the function bundles (scripts/build.mjs)'); };\n",
  node22:
    'export const state = { warningEmitted: true };\nexport const emitWarningIfUnsupportedVersion = () => {};\n',
  features: 'export const checkFeatures = async () => {};\n',
};
const lambdaOnly = {
  name: 'lambda-only',
  setup(b) {
    b.onResolve({ filter: /\/getInstanceMetadataRegion$/ }, () => ({
      path: 'imds',
      namespace: 'lambda-only',
    }));
    b.onResolve({ filter: /^\.\.\/service-customizations$/ }, (args) =>
      /getEndpointFromInstructions\.js$/.test(args.importer)
        ? { path: 's3', namespace: 'lambda-only' }
        : undefined,
    );
    b.onResolve({ filter: /^\.\/emitWarningIfUnsupportedVersion$/ }, (args) =>
      /@aws-sdk[\\/]core[\\/]/.test(args.importer) ? { path: 'node22', namespace: 'lambda-only' } : undefined,
    );
    b.onResolve({ filter: /\/fromSharedConfigFiles$/ }, (args) =>
      /node-config-provider[\\/]/.test(args.importer)
        ? { path: 'configFiles', namespace: 'lambda-only' }
        : undefined,
    );
    b.onResolve({ filter: /^\.\/check-features$/ }, (args) =>
      /middleware-user-agent[\\/]user-agent-middleware\.js$/.test(args.importer)
        ? { path: 'features', namespace: 'lambda-only' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'lambda-only' }, (args) => ({
      contents: LAMBDA_ONLY_MODULES[args.path],
      loader: 'js',
    }));
  },
};

// The SDK's partition table names every region with a description ("US East (N. Virginia)") that the
// partition lookup copies into its result and no endpoint rule reads (they read dnsSuffix, supportsFIPS,
// …). Without the descriptions a listed region's answer is its partition's outputs — what the lookup's
// second pass (each partition's regionRegex, in order) answers too, so a region that pass already maps to
// its own partition need not be listed. The bundles keep every partition and its fields, and the regions
// that pass would map elsewhere or not at all (the `*-global` ones); checked here, region by region: −3 KiB each.
const partitionsWithoutDescriptions = {
  name: 'partitions-without-descriptions',
  setup(b) {
    b.onLoad({ filter: /util-endpoints[\\/]lib[\\/]aws[\\/]partitions\.js$/ }, async (args) => {
      const { partitionsInfo } = await import(pathToFileURL(args.path).href);
      const byRegex = (region) =>
        partitionsInfo.partitions.find((p) => new RegExp(p.regionRegex).test(region))?.id;
      const partitions = partitionsInfo.partitions.map((p) => {
        for (const data of Object.values(p.regions)) {
          const extra = Object.keys(data).filter((k) => k !== 'description');
          if (extra.length > 0) throw new Error(`partitions: ${p.id} region data has ${extra} (build.mjs)`);
        }
        const regions = Object.keys(p.regions).filter((r) => byRegex(r) !== p.id);
        return { ...p, regions: Object.fromEntries(regions.map((r) => [r, {}])) };
      });
      const contents = JSON.stringify({ ...partitionsInfo, partitions });
      return { contents: `export const partitionsInfo = ${contents};\n`, loader: 'js' };
    });
  },
};

// Auto Scaling's exception classes, the same dozen lines each, as one factory (scripts/compact-sdk-errors.mjs):
// the same classes, −1.6 KiB of each bundle that sends Auto Scaling calls.
const compactErrors = {
  name: 'compact-sdk-errors',
  setup(b) {
    b.onLoad({ filter: /client-auto-scaling[\\/]dist-es[\\/]models[\\/]errors\.js$/ }, (args) => ({
      contents: compactSdkErrors(readFileSync(args.path, 'utf8'), args.path),
      loader: 'js',
    }));
  },
};

const only = process.argv.includes('--cli')
  ? 'cli'
  : process.argv.includes('--functions')
    ? 'functions'
    : 'all';

// The SDK clients import their whole package.json (1.8 KiB per bundle) for one field: the version in
// the user agent. The bundles get that field only (plus the name).
const packageVersionOnly = {
  name: 'package-version-only',
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/].*[\\/]package\.json$/ }, (args) => {
      const { name, version } = JSON.parse(readFileSync(args.path, 'utf8'));
      return { contents: JSON.stringify({ name, version }), loader: 'json' };
    });
  },
};

// zod re-exports ~85 locales (≈300 KiB minified) as `z.locales`; the functions only use the English
// messages zod applies by default. Swap the locale index for one that exports `en` alone.
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(b) {
    b.onResolve({ filter: /\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]/.test(args.importer)
        ? { path: join(dirname(args.importer), '..', 'locales', 'index.js'), namespace: 'zod-locales' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(join(dirname(args.path), 'en.js'))};`,
      loader: 'js',
      resolveDir: dirname(args.path),
    }));
  },
};

const buildCli = async () => {
  await build({
    entryPoints: ['cli/main.ts'],
    outfile: 'dist/cli.mjs',
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    mainFields: ['module', 'main'],
    // Whitespace and syntax only: identifiers keep their names (stack traces, error names) without
    // keepNames, whose helper runs on every function creation and cost 8 % of a simulation.
    minifyWhitespace: true,
    minifySyntax: true,
    plugins: [zodEnglishOnly],
    legalComments: 'none',
    banner: {
      js: "#!/usr/bin/env node\nimport { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
    logLevel: 'warning',
  });
  console.log(`cli: dist/cli.mjs ${(statSync('dist/cli.mjs').size / 1024).toFixed(1)} KiB`);
};

if (only === 'cli') {
  await buildCli();
  process.exit(0);
}

const REQUIRE_BANNER =
  "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);";
const names = readdirSync('functions').filter((n) => existsSync(join('functions', n, 'handler.ts')));
const sizes = [];
for (const name of names) {
  const outfile = join('.esbuild', 'functions', name, 'handler.mjs');
  const result = await build({
    entryPoints: [join('functions', name, 'handler.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    mainFields: ['module', 'main'],
    minify: true,
    // No keepNames (it cost 20–37 KiB per bundle): the project's error classes state their names as
    // literals (shared/core/errors.ts), the SDK's exceptions too, and the handlers tell errors apart by
    // instanceof or by those names.
    sourcemap: false,
    legalComments: 'none',
    // Non-ASCII text (≤, →, …) as UTF-8 bytes rather than \u escapes (Lambda reads the file as UTF-8).
    charset: 'utf8',
    plugins: [
      zodEnglishOnly,
      lambdaCredentials,
      lambdaStandIns,
      noEventStreams,
      packageVersionOnly,
      nativeSha256,
      lambdaOnly,
      partitionsWithoutDescriptions,
      oneCommons,
      compactErrors,
    ],
    metafile: true,
    logLevel: 'warning',
  });
  // A CommonJS dependency that calls require() needs one in the ESM bundle (esbuild's shim, which says
  // "Dynamic require of …", reads the global `require`): added only when the bundle has that shim — none
  // has today, and the line costs ~90 bytes.
  const text = readFileSync(outfile, 'utf8');
  if (/typeof require|Dynamic require of/.test(text)) writeFileSync(outfile, `${REQUIRE_BANNER}\n${text}`);
  mkdirSync(join('.esbuild', 'meta'), { recursive: true });
  writeFileSync(join('.esbuild', 'meta', `${name}.json`), JSON.stringify(result.metafile));
  sizes.push([name, statSync(outfile).size, result.metafile]);
}

/** Bytes of one bundle by contributor: an npm package, or the project's top folder (shared/aws, …). */
const contributors = (metafile) => {
  const out = Object.values(metafile.outputs)[0];
  const by = new Map();
  for (const [input, { bytesInOutput }] of Object.entries(out.inputs)) {
    const pkg = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
    const key = pkg ? pkg[1] : input.split('/').slice(0, 2).join('/');
    by.set(key, (by.get(key) ?? 0) + bytesInOutput);
  }
  return [...by].sort((a, b) => b[1] - a[1]);
};
for (const [name, size, metafile] of sizes) {
  console.log(`bundle ${name}: ${(size / 1024).toFixed(1)} KiB`);
  if (process.argv.includes('--analyze')) {
    for (const [key, bytes] of contributors(metafile).slice(0, 15))
      console.log(`  ${key.padEnd(48)} ${(bytes / 1024).toFixed(1).padStart(7)} KiB`);
  }
}
if (only === 'all') await buildCli();
