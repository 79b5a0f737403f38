/**
 * Import rules of the house (STYLE.md §2, issue 11). `npm run lint` fails on any of them.
 * Directions: functions and cli → aws, core, runtime (cli also → sim); aws → core; runtime → core;
 * bench → sim, core; sim → core types only (baseline policy models aside). The core imports nothing
 * outside itself but zod. No cycles, type-only imports included.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import cycles (type-only ones too) blur which module owns a concept.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-is-pure',
      severity: 'error',
      comment: 'shared/core imports nothing outside itself but zod (STYLE.md §1).',
      from: { path: '^shared/core/' },
      to: { pathNot: ['^shared/core/', '^node_modules/zod/'] },
    },
    {
      name: 'runtime-only-core',
      severity: 'error',
      comment: 'shared/runtime depends on the core, never on adapters, handlers or tools.',
      from: { path: '^shared/runtime/' },
      to: { path: '^(shared/aws|functions|cli|sim|bench|test)/' },
    },
    {
      name: 'aws-not-up',
      severity: 'error',
      comment: 'Adapters serve handlers; they never import them (or the CLI, simulator, benchmarks).',
      from: { path: '^shared/aws/' },
      to: { path: '^(functions|cli|sim|bench|test)/' },
    },
    {
      name: 'product-not-bench',
      severity: 'error',
      comment: 'Product code (functions, cli, shared) never depends on benchmarks or tests.',
      from: { path: '^(functions|cli|shared)/' },
      to: { path: '^(bench|test)/' },
    },
    {
      name: 'functions-not-tools',
      severity: 'error',
      comment: 'Lambda code never bundles the CLI or the simulator.',
      from: { path: '^functions/' },
      to: { path: '^(cli|sim)/' },
    },
    {
      name: 'sim-is-independent',
      severity: 'error',
      comment: 'The simulator is the referee: it never imports adapters, handlers, the CLI or benchmarks.',
      from: { path: '^sim/' },
      to: { path: '^(shared/aws|functions|cli|bench|test)/' },
    },
    {
      name: 'sim-core-types-only',
      severity: 'error',
      comment:
        "The simulator's AWS model implements AWS's rules itself: from shared/core it takes types (and the error classes), never the core's placement or planners. The baseline policy models in sim/policies are competitors, not the referee, and may reuse core helpers.",
      from: { path: '^sim/', pathNot: '^sim/policies/' },
      to: { path: '^shared/core/', pathNot: '^shared/core/errors\\.ts$', dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|\\.serverless|dist|\\.build)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs', '.json'] },
  },
};
