#!/usr/bin/env node
// docs/images/report.png: a `migrate report` page of a real ramp (the demo's: target starts
// failing at 20 % and the ramp rolls back), screenshotted by headless Chromium (Debian's
// `chromium`). Run after `npm run build`: node scripts/screenshot-report.js [OUT.png] [WIDTHxHEIGHT]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const out = path.resolve(process.argv[2] ?? path.join(root, 'docs/images/report.png'));
const [width, height] = (process.argv[3] ?? '1000x1300').split('x');
const chromium = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';
const work = mkdtempSync(path.join(tmpdir(), 'migrate-screenshot-'));

try {
  const html = path.join(work, 'report.html');
  const demo = spawnSync(process.execPath, [path.join(root, 'scripts/demo.js')], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEMO_REPORT: html } });
  if (demo.status !== 0) throw new Error(`the demo exited ${demo.status}`);
  const shot = spawnSync(
    chromium,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--user-data-dir=${path.join(work, 'profile')}`,
      '--hide-scrollbars',
      `--window-size=${width},${height}`,
      `--screenshot=${out}`,
      `file://${html}`,
    ],
    { stdio: ['ignore', 'ignore', 'inherit'], timeout: 60_000 },
  );
  if (shot.status !== 0) throw new Error(`chromium exited ${shot.status}`);
  process.stderr.write(`wrote ${out} (${Math.round(statSync(out).size / 1024)} KB)\n`);
} catch (err) {
  process.stderr.write(`screenshot failed: ${err.message}\n`);
  process.exitCode = 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
