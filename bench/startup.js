#!/usr/bin/env node
// CLI start-up against bare `node -e 0`, interleaved round by round so machine load hits all
// alike; medians of RUNS. Run from the built tree (`npm run build` first). Targets:
//   --version                           <= 1.15x bare Node's wall time
//   config (loads yaml, zod, dotenv)    wall <= bare + 150 ms (it prints and exits: an upper
//                                       bound on its time to any effect)
//   check, validate                     spawn to the first request a fake provider receives
//                                       <= bare + 150 ms
// Prints the ratios and exits 1 when any target is missed.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const RUNS = 15;
const WARMUP = 2;
const VERSION_RATIO = 1.15;
const OVER_BARE_MS = 150;
const BIN = fileURLToPath(new URL('../bin/migrate.js', import.meta.url));

if (!existsSync(fileURLToPath(new URL('../dist/cli.js', import.meta.url)))) {
  console.error('bench/startup.js: dist/ is missing; run `npm run build` first');
  process.exit(2);
}
const { startFakeProvider } = await import('../dist/testing/fake-provider.js');

/** Runs node with args; resolves with the wall time and the time to the first request (if any). */
function timeRun(args, cwd, providers = []) {
  return new Promise((resolve, reject) => {
    const before = providers.map((p) => p.count());
    const wallStart = performance.now();
    const epochStart = Date.now();
    const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('exit', (code) => {
      const wall = performance.now() - wallStart;
      if (code !== 0) return reject(new Error(`node ${args.join(' ')} exited ${code}: ${stderr}`));
      const times = providers.flatMap((p, i) => p.requests.slice(before[i]).map((r) => r.time));
      resolve({ wall, first: times.length ? Math.min(...times) - epochStart : undefined });
    });
  });
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const dir = mkdtempSync(path.join(tmpdir(), 'bench-startup-'));
const providers = await Promise.all(['legacy', 'target'].map((name) => startFakeProvider({ name })));
const [legacy, target] = providers;
try {
  writeFileSync(path.join(dir, 'suite.yaml'), 'name: one\ncases:\n  - id: one\n    prompt: hi\n');
  writeFileSync(
    path.join(dir, 'migrate.yaml'),
    `version: 1
providers:
  legacy: { baseUrl: "${legacy.url}", apiKey: "${legacy.apiKey}" }
  target: { baseUrl: "${target.url}", apiKey: "${target.apiKey}" }
models: [gpt-4.1]
validate: { suites: [suite.yaml] }
`,
  );
  const cases = {
    bare: { args: ['-e', '0'] },
    version: { args: [BIN, '--version'] },
    config: { args: [BIN, 'config'] },
    check: { args: [BIN, 'check', '--samples', '1'], first: true },
    validate: { args: [BIN, 'validate'], first: true },
  };
  const times = Object.fromEntries(Object.keys(cases).map((name) => [name, []]));
  for (let i = 0; i < WARMUP + RUNS; i++) {
    for (const [name, { args, first }] of Object.entries(cases)) {
      const t = await timeRun(args, dir, first ? providers : []);
      if (i >= WARMUP) times[name].push(first ? t.first : t.wall);
    }
  }

  const bare = median(times.bare);
  const rows = [
    ['migrate --version (wall)', median(times.version), (ms) => ms / bare <= VERSION_RATIO, `<= ${VERSION_RATIO}x`],
    ['migrate config (wall)', median(times.config), (ms) => ms - bare <= OVER_BARE_MS, `<= +${OVER_BARE_MS} ms`],
    ['migrate check: first request', median(times.check), (ms) => ms - bare <= OVER_BARE_MS, `<= +${OVER_BARE_MS} ms`],
    ['migrate validate: first request', median(times.validate), (ms) => ms - bare <= OVER_BARE_MS, `<= +${OVER_BARE_MS} ms`],
  ];
  console.log(`startup: against node -e 0 on Node ${process.versions.node} (median of ${RUNS} interleaved runs each)`);
  console.log(`  ${'node -e 0 (wall)'.padEnd(34)} ${bare.toFixed(1).padStart(6)} ms`);
  let missed = 0;
  for (const [label, ms, ok, target] of rows) {
    const met = ok(ms);
    if (!met) missed++;
    const extra = `${(ms / bare).toFixed(2)}x, ${ms - bare >= 0 ? '+' : ''}${(ms - bare).toFixed(0)} ms`;
    console.log(`  ${label.padEnd(34)} ${ms.toFixed(1).padStart(6)} ms  (${extra}; target ${target}: ${met ? 'met' : 'MISSED'})`);
  }
  process.exitCode = missed ? 1 : 0;
} finally {
  await Promise.all(providers.map((p) => p.close()));
  rmSync(dir, { recursive: true, force: true });
}
