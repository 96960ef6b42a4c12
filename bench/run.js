#!/usr/bin/env node
// Runs every bench/*.js but this one, one after another (they measure time, so never in parallel),
// passing their output through. Each exits non-zero when it misses its target (or cannot run),
// and so does this when any did.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const self = path.basename(fileURLToPath(import.meta.url));
const benches = readdirSync(here)
  .filter((name) => name.endsWith('.js') && name !== self)
  .sort();

const failed = [];
for (const name of benches) {
  console.log(`\n== ${name}`);
  const result = spawnSync(process.execPath, [path.join(here, name)], { stdio: 'inherit' });
  if (result.status !== 0) failed.push(`${name} (exit ${result.status ?? result.signal})`);
}
if (failed.length) {
  console.error(`\nbenchmarks that missed a target or failed to run: ${failed.join(', ')}`);
  process.exitCode = 1;
}
