#!/usr/bin/env node
// `node scripts/cold-load.mjs [--rounds N] <checkout> [<checkout> …]`: cold load of the function bundles
// (`.esbuild/functions/<name>/handler.mjs` under each checkout, built beforehand) against a bare Node, in
// interleaved rounds so that every side sees the same machine load: each round spawns `node -e 0`, then
// every bundle of every checkout (the checkouts' order alternating between rounds). Two figures per
// spawn, each divided by the same round's bare Node: wall time, and the child's CPU time (user + system,
// `process.cpuUsage()` at exit), which other jobs on a loaded machine disturb far less. Prints medians
// and interquartile ranges. docs/bundles.md has the figures and how they were taken.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const args = process.argv.slice(2);
const at = args.indexOf('--rounds');
const ROUNDS = at >= 0 ? Number(args.splice(at, 2)[1]) : 15;
const dirs = (args.length ? args : ['.']).map((d) => resolve(d));
const NAMES = [
  'capacity-report',
  'cluster-dispatcher',
  'cluster-scaler',
  'instance-drainer',
  'service-scaler',
];
const file = (dir, name) => join(dir, '.esbuild', 'functions', name, 'handler.mjs');
for (const d of dirs)
  for (const n of NAMES) if (!existsSync(file(d, n))) throw new Error(`no bundle ${file(d, n)}`);

const env = { ...process.env, AWS_REGION: 'us-east-1' };
const CPU_AT_EXIT =
  "process.on('exit',()=>{const u=process.cpuUsage();process.stdout.write(' '+(u.user+u.system)/1000)});";
const spawn = (code) => {
  const start = performance.now();
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', CPU_AT_EXIT + code], { env });
  const wall = performance.now() - start;
  if (r.status !== 0) throw new Error(r.stderr.toString().slice(0, 500));
  return { wall, cpu: Number(r.stdout.toString().trim().split(/\s+/).pop()) };
};

const rows = new Map();
const push = (key, value) => rows.set(key, [...(rows.get(key) ?? []), value]);
for (let round = 0; round < ROUNDS; round++) {
  const bare = spawn('0;');
  push('bare wall', bare.wall);
  push('bare cpu', bare.cpu);
  const order = round % 2 ? [...dirs].reverse() : dirs;
  for (const name of NAMES) {
    for (const dir of order) {
      const t = spawn(`await import(${JSON.stringify(file(dir, name))});`);
      push(`${name} ${dir} wall`, t.wall / bare.wall);
      push(`${name} ${dir} cpu`, t.cpu / bare.cpu);
    }
  }
}
const quantile = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  const i = (s.length - 1) * p;
  const lo = Math.floor(i);
  return s[lo] + (s[Math.ceil(i)] - s[lo]) * (i - lo);
};
const fmt = (xs, d = 2) =>
  `${quantile(xs, 0.5).toFixed(d)} (${quantile(xs, 0.25).toFixed(d)}–${quantile(xs, 0.75).toFixed(d)})`;
console.log(
  `${ROUNDS} rounds; bare node -e 0: wall ${fmt(rows.get('bare wall'), 0)} ms, CPU ${fmt(rows.get('bare cpu'), 0)} ms`,
);
console.log('× bare node, median (interquartile range)');
for (const name of NAMES) {
  for (const dir of dirs) {
    console.log(
      `${name.padEnd(19)} ${dir.padEnd(24)} wall ${fmt(rows.get(`${name} ${dir} wall`))}  CPU ${fmt(rows.get(`${name} ${dir} cpu`))}`,
    );
  }
}
