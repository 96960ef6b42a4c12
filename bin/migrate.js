#!/usr/bin/env node
// Tiny launcher: the CLI lives in dist/ (built by `npm run build`, or by `npm install` via prepare).
try {
  await import('../dist/cli.js');
} catch (err) {
  if (err?.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/cli.js')) {
    process.stderr.write('error: migrate is not built yet: run `npm install` (or `npm run build`) in its directory\n');
    process.exit(2);
  }
  throw err;
}
