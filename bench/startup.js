#!/usr/bin/env node
// CLI start-up: `migrate --version` against bare `node -e 0`, median of RUNS each, interleaved so
// machine load hits both alike. Prints the ratio (target: within 1.5x) and the extra ms.
// Run from the built tree (`npm run build` first).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const RUNS = 20;
const WARMUP = 2;
const TARGET_RATIO = 1.5;
const BIN = fileURLToPath(new URL('../bin/migrate.js', import.meta.url));

if (!existsSync(fileURLToPath(new URL('../dist/cli.js', import.meta.url)))) {
  console.error('bench/startup.js: dist/ is missing; run `npm run build` first');
  process.exit(2);
}

/** Wall time of one run in ms; a failing run would make the comparison meaningless. */
function timeRun(args) {
  const started = performance.now();
  const result = spawnSync(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = performance.now() - started;
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return ms;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const cases = { bare: ['-e', '0'], migrate: [BIN, '--version'] };
for (let i = 0; i < WARMUP; i++) for (const args of Object.values(cases)) timeRun(args);
const times = { bare: [], migrate: [] };
for (let i = 0; i < RUNS; i++) {
  for (const [name, args] of Object.entries(cases)) times[name].push(timeRun(args));
}

const bare = median(times.bare);
const migrate = median(times.migrate);
const ratio = migrate / bare;
console.log(`startup: migrate --version vs node -e 0 (median of ${RUNS} runs each)`);
console.log(`  node -e 0          ${bare.toFixed(1)} ms`);
console.log(`  migrate --version  ${migrate.toFixed(1)} ms  (+${(migrate - bare).toFixed(1)} ms)`);
console.log(`  ratio ${ratio.toFixed(2)}x  (target <= ${TARGET_RATIO}x: ${ratio <= TARGET_RATIO ? 'met' : 'MISSED'})`);
