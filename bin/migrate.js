#!/usr/bin/env node
// Tiny launcher: the CLI lives in dist/ (built by `npm run build`, or by `npm ci` via prepare).
// CommonJS (bin/package.json) because starting Node's ESM loader for the launcher alone costs
// about a tenth of bare Node's start-up; dist/ is ESM and is imported only when a command runs.
'use strict';
const path = require('node:path');

// `migrate --version` alone is answered here, as commander would, without loading the CLI: scripts
// and health checks call it often, and it should cost no more than starting Node.
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  const { version } = JSON.parse(require('node:fs').readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8'));
  process.stdout.write(`${version}\n`);
} else {
  // Node 22.1+ keeps V8's compiled code between runs: start-up drops by a third. The cache goes
  // under the user's own home (not Node's default in the shared /tmp, where another user could
  // plant it); if that cannot be written Node carries on without it. Node 20 has no such API.
  // Root whose HOME is another user's (sudo keeps it on some systems) runs without it: its files
  // there would be root's, in that user's home.
  try {
    const home = require('node:os').homedir();
    if (process.getuid?.() !== 0 || require('node:fs').statSync(home).uid === 0) {
      require('node:module').enableCompileCache?.(path.join(home, '.cache', 'migrate', 'node-compile-cache'));
    }
  } catch {
    // os.homedir() throws for a uid with no HOME and no passwd entry: run without the cache.
  }
  // Rollback has a build of its own, in fewer and larger files (scripts/build.js); command-name.js
  // is the same reading of argv by which program.ts declares only that command, so the two agree.
  import('../dist/command-name.js')
    .then(({ commandNamed }) => import(commandNamed(args) === 'rollback' ? '../dist/rollback-cli.js' : '../dist/cli.js'))
    .then(
      (cli) => cli.main(),
      (err) => {
        if (err?.code === 'ERR_MODULE_NOT_FOUND' && /\/dist\/(command-name|cli|rollback-cli)\.js/.test(String(err.message))) {
          process.stderr.write('error: migrate is not built: run `npm ci` (with dev dependencies) in its directory, or install the packed package (README, Install)\n');
          process.exit(2);
        }
        throw err;
      },
    );
}
