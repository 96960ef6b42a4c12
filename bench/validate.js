#!/usr/bin/env node
// Validation throughput: 250 cases against two fake providers with a fixed 50 ms delay at
// concurrency 16, run through the built CLI (`npm run build` first). The ideal is
// cases x providers x delay / concurrency. Targets, each printed with its figure:
//   wall time from spawn to exit   <= 1.15 x ideal + 150 ms (start-up included)
//   suite loading (250 cases)      <= 50 ms, timed in a fresh Node after its modules are imported
//   no warning on stderr; peak RSS < 150 MB
// Exits 1 when any is missed.
import { spawn, spawnSync } from 'node:child_process';
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

/** loadSuites on the file in a fresh Node, modules imported first: the parse as a CLI run meets it, cold (wall and CPU ms). */
function suiteLoadingMs(file) {
  const suiteModule = new URL('../dist/core/validate/suite.js', import.meta.url).href;
  const script = `const { loadSuites } = await import(${JSON.stringify(suiteModule)}); const t = performance.now(), c = process.cpuUsage(); await loadSuites([${JSON.stringify(file)}], '/'); const u = process.cpuUsage(c); console.log(performance.now() - t, (u.user + u.system) / 1000);`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`suite loading failed: ${child.stderr}`);
  const [wall, cpu] = child.stdout.trim().split(' ').map(Number);
  return { wall, cpu };
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
  const wallTarget = 1.15 * ideal + 150;
  const loading = suiteLoadingMs(path.join(dir, 'suite.yaml'));
  const warned = /Warning/.test(result.stderr);
  const mb = result.peakRss / 1024 / 1024;
  const verdict = (ok) => (ok ? 'met' : 'MISSED');
  console.log(`validate: ${CASES} cases x ${PROVIDERS} providers, ${DELAY_MS} ms delay, concurrency ${CONCURRENCY} (${sent} requests incl. conformance probes)`);
  console.log(`  exit ${result.code}, ${report.summary.verdicts.pass}/${CASES} pass; spawn to first request ${startup.toFixed(0)} ms, requests ${report.durationMs} ms`);
  console.log(
    `  wall ${result.ms.toFixed(0)} ms = ${(result.ms / ideal).toFixed(2)}x ideal ${ideal.toFixed(0)} ms  (target <= 1.15x + 150 ms = ${wallTarget.toFixed(0)} ms: ${verdict(result.ms <= wallTarget)})`,
  );
  console.log(`  suite loading ${loading.wall.toFixed(0)} ms, ${loading.cpu.toFixed(0)} ms of CPU  (target <= 50 ms: ${verdict(loading.wall <= 50)})`);
  console.log(`  warnings on stderr: ${warned ? 'yes' : 'none'}  (target none: ${verdict(!warned)})`);
  console.log(`  peak RSS: ${mb ? mb.toFixed(0) : 'n/a'} MB  (target < 150 MB: ${mb ? verdict(mb < 150) : 'not measured'})`);
  if (result.code !== 0 || warned) process.stderr.write(result.stderr);
  process.exitCode = result.code === 0 && result.ms <= wallTarget && loading.wall <= 50 && !warned && (!mb || mb < 150) ? 0 : 1;
} finally {
  await Promise.all([legacy.close(), target.close()]);
  rmSync(dir, { recursive: true, force: true });
}
