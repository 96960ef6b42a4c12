#!/usr/bin/env node
// Tiny launcher: the CLI lives in dist/ (built by `npm run build`, or by `npm ci` via prepare).
import { readFileSync } from 'node:fs';
import module from 'node:module';
import os from 'node:os';
import path from 'node:path';

// `migrate --version` alone is answered here, as commander would, without loading the CLI: scripts
// and health checks call it often, and it should cost no more than starting Node.
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  process.stdout.write(`${JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version}\n`);
} else {
  // Node 22.1+ keeps V8's compiled code between runs: start-up drops by a third. The cache goes
  // under the user's own home (not Node's default in the shared /tmp, where another user could
  // plant it); if that cannot be written Node carries on without it. Node 20 has no such API.
  module.enableCompileCache?.(path.join(os.homedir(), '.cache', 'migrate', 'node-compile-cache'));
  try {
    await import('../dist/cli.js');
  } catch (err) {
    if (err?.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/cli.js')) {
      process.stderr.write('error: migrate is not built: run `npm ci` (with dev dependencies) in its directory, or install the packed package (README, Install)\n');
      process.exit(2);
    }
    throw err;
  }
}
