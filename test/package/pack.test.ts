/**
 * The npm package as a user gets it: `npm pack` (which runs `prepare`, compiling dist/cli.mjs), the
 * tarball installed with `--omit=dev` in an empty folder, then the installed command runs `--version`,
 * `report` on the bundled sample and `simulate` — no checkout, no tsx, no devDependency.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = resolve(import.meta.dirname, '../..');
const version = (JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { version: string }).version;
let dir: string;
let sample: string;

/** Runs the installed command through npx, as a user would; returns the finished process. */
const run = (...args: string[]) =>
  spawnSync('npx', ['--no-install', 'ecs-autoscaler', ...args], {
    cwd: dir,
    encoding: 'utf8',
    // No credentials, no region, NO_COLOR unset: nothing of the checkout leaks in.
    env: {
      PATH: process.env.PATH ?? '',
      HOME: dir,
      ...(process.env.npm_config_cache ? { npm_config_cache: process.env.npm_config_cache } : {}),
      npm_config_update_notifier: 'false',
    },
    timeout: 120_000,
  });

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ecs-autoscaler-pack-'));
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', dir], {
    cwd: repo,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // `prepare` (the CLI build) prints first; the JSON array follows.
  const packed = JSON.parse(out.slice(out.search(/^\[/m))) as Array<{ filename: string }>;
  writeFileSync(join(dir, 'package.json'), '{"name":"pack-check","private":true}\n');
  execFileSync(
    'npm',
    ['install', '--omit=dev', '--no-audit', '--no-fund', '--prefer-offline', join(dir, packed[0]!.filename)],
    { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  sample = join(dir, 'node_modules', 'ecs-autoscaler', 'events', 'snapshots', 'sample-cluster.json');
}, 600_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the packed package, installed without devDependencies', () => {
  it('prints its version', () => {
    const r = run('--version');
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe(version);
    expect(r.status).toBe(0);
  });

  it('reports the bundled sample snapshot', () => {
    const r = run('report', '--snapshot', sample);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('Cluster demo');
    expect(r.stdout).toMatch(/Decision/);
  });

  it('simulates the bundled sample under every policy and writes the chart', () => {
    const r = run('simulate', '--snapshot', sample, '--trace', 'spike', '--out', 'charts');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^ecs-autoscaler\s/m);
    expect(r.stdout).toMatch(/^threshold-alarms\s/m);
    expect(r.stderr).toMatch(/chart: charts\/simulate-demo-spike\.svg/);
    expect(readFileSync(join(dir, 'charts', 'simulate-demo-spike.svg'), 'utf8')).toMatch(/^<svg/);
  });

  it('has no TypeScript runtime: no tsx, no aws-sdk-client-mock installed', () => {
    const ls = spawnSync('npm', ['ls', '--all', '--parseable'], { cwd: dir, encoding: 'utf8' });
    expect(ls.stdout).not.toMatch(/node_modules\/(tsx|aws-sdk-client-mock|vitest)$/m);
  });
});
