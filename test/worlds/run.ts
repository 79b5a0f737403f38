/**
 * `npm run test:worlds -- [--worlds N] [--seed S]`
 *
 * Random worlds (random-world.ts): N worlds from seed S on (default 200 from 1; `--seed S` alone runs that
 * one world). Prints each finding with the command that reproduces it; the last line is exactly
 * `random-worlds: <worlds> worlds, <findings> findings`. Exit code 1 when there is a finding. Memory is
 * bounded: each world is disposed before the next (heap printed first / peak / last).
 */
import '../../bench/lib/silent-env.js';
import { quietPowertoolsWarnings } from '../../bench/lib/quiet.js';
import { liveHeapMb, option } from '../../bench/lib/runner.js';
import { reproduceWorld, runWorld } from './random-world.js';

process.env.AWS_REGION ??= 'us-east-1';
quietPowertoolsWarnings();

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => option(args, name);
const first = Number(opt('--seed') ?? 1);
const count = Number(opt('--worlds') ?? (opt('--seed') ? 1 : 200));
if (!Number.isInteger(first) || !Number.isInteger(count) || count < 1) {
  throw new Error('usage: npm run test:worlds -- [--worlds N] [--seed S] (whole numbers, N ≥ 1)');
}

const heapMb = liveHeapMb();
const heap: number[] = [];
const started = performance.now();
let findings = 0;
for (let seed = first; seed < first + count; seed++) {
  let problems: string[];
  try {
    problems = await runWorld(seed);
  } catch (error) {
    problems = [`the run crashed: ${(error as Error).stack ?? String(error)}`];
  }
  for (const p of problems) {
    findings++;
    console.log(`world ${seed}: ${p}\n  reproduce: ${reproduceWorld(seed)}`);
  }
  heap.push(heapMb());
}
const mb = (n: number) => `${n.toFixed(0)} MB`;
console.log(
  `heap after each world: first ${mb(heap[0]!)}, peak ${mb(Math.max(...heap))}, last ${mb(heap.at(-1)!)}; ${((performance.now() - started) / 1000).toFixed(1)} s`,
);
console.log(`random-worlds: ${count} worlds, ${findings} findings`);
process.exitCode = findings > 0 ? 1 : 0;
