#!/usr/bin/env node
// STYLE.md §1: shared/core never reads the clock, randomness or the environment. Biome bans the imports
// and `process`; this catches what a lint rule on globals cannot: Date.now(), new Date() without an argument,
// and Math.random().
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const banned = [
  [/\bDate\.now\s*\(/, 'Date.now() — pass `now` as an argument'],
  [/\bnew Date\s*\(\s*\)/, 'new Date() — pass `now` as an argument'],
  [/\bMath\.random\s*\(/, 'Math.random() — pass a seeded random source'],
  [/\bprocess\.env\b/, 'process.env — pass config as an argument'],
];
const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (path.endsWith('.ts')) files.push(path);
  }
};
walk('shared/core');
let bad = 0;
for (const file of files) {
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      for (const [re, why] of banned) {
        if (re.test(line)) {
          console.error(`${file}:${i + 1}: impure core: ${why}`);
          bad++;
        }
      }
    });
}
if (bad > 0) process.exit(1);
console.log(`core purity: ${files.length} files clean`);
