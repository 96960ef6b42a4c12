#!/usr/bin/env node
// Validation throughput: 250 cases against two fake providers with a fixed 50 ms delay at
// concurrency 16, run through the built CLI (`npm run build` first). Prints wall time as a ratio
// to the ideal (cases x providers x delay / concurrency) after subtracting CLI start-up, and the
// CLI's peak RSS. Start-up is measured as the time from spawning the CLI to the first request
// reaching a fake provider (node, config, suite parsing). Targets: ratio <= 1.3, peak RSS < 150 MB.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFakeProvider } from '../dist/testing/fake-provider.js';

const CASES = 250;
const DELAY_MS = 50;
const CONCURRENCY = 16;
const PROVIDERS = 2;
const BIN = fileURLToPath(new URL('../bin/migrate.js', import.meta.url));

function suite() {
  const cases = Array.from({ length: CASES }, (_, i) => {
    const stream = i % 4 === 0;
    return `  - id: case-${i}\n    prompt: 'Reply with exactly "answer ${i}"'\n${stream ? '    stream: true\n' : ''}    assert: [{ icontains: "answer ${i}" }, same-finish-reason]\n`;
  });
  return `name: bench\ncases:\n${cases.join('')}`;
}

function config(legacy, target) {
  return `version: 1
providers:
  legacy: { baseUrl: "${legacy.url}", apiKey: "${legacy.apiKey}" }
  target: { baseUrl: "${target.url}", apiKey: "${target.apiKey}" }
models: [gpt-4.1]
validate: { suites: [suite.yaml], concurrency: ${CONCURRENCY}, rpm: 1000000 }
`;
}

/** Peak resident set of a running process (Linux VmHWM), polled until it exits. */
function watchPeakRss(pid) {
  let peak = 0;
  const timer = setInterval(() => {
    try {
      const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
      if (kb) peak = Math.max(peak, Number(kb) * 1024);
    } catch {
      // exited between polls
    }
  }, 20);
  return () => {
    clearInterval(timer);
    return peak;
  };
}

function run(args, cwd) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(process.execPath, [BIN, ...args], { cwd, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    const stop = watchPeakRss(child.pid);
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, started, ms: Date.now() - started, peakRss: stop(), stderr }));
  });
}

const dir = mkdtempSync(path.join(tmpdir(), 'bench-validate-'));
const [legacy, target] = await Promise.all(['legacy', 'target'].map((name) => startFakeProvider({ name, faults: { latency: DELAY_MS } })));
try {
  writeFileSync(path.join(dir, 'suite.yaml'), suite());
  writeFileSync(path.join(dir, 'migrate.yaml'), config(legacy, target));
  const result = await run(['validate', '--json', 'report.json'], dir);
  const startup = Math.min(...[...legacy.requests, ...target.requests].map((r) => r.time)) - result.started;
  const report = JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8'));
  const sent = legacy.count() + target.count();
  const ideal = (CASES * PROVIDERS * DELAY_MS) / CONCURRENCY;
  const ratio = (result.ms - startup) / ideal;
  const mb = result.peakRss / 1024 / 1024;
  console.log(`validate: ${CASES} cases x ${PROVIDERS} providers, ${DELAY_MS} ms delay, concurrency ${CONCURRENCY} (${sent} requests incl. conformance probes)`);
  console.log(`  exit ${result.code}, ${report.summary.verdicts.pass}/${CASES} pass`);
  console.log(`  wall ${result.ms.toFixed(0)} ms (requests ${report.durationMs} ms), start-up ${startup.toFixed(0)} ms, ideal ${ideal.toFixed(0)} ms`);
  console.log(`  ratio (wall - start-up) / ideal: ${ratio.toFixed(2)}x  (target <= 1.30x) ${ratio <= 1.3 ? 'OK' : 'OVER'}`);
  console.log(`  peak RSS: ${mb ? mb.toFixed(0) : 'n/a'} MB  (target < 150 MB) ${mb && mb < 150 ? 'OK' : mb ? 'OVER' : ''}`);
  if (result.code !== 0) process.stderr.write(result.stderr);
  process.exitCode = result.code === 0 && ratio <= 1.3 && (!mb || mb < 150) ? 0 : 1;
} finally {
  await Promise.all([legacy.close(), target.close()]);
  rmSync(dir, { recursive: true, force: true });
}
