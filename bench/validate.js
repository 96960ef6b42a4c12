#!/usr/bin/env node
// Validation throughput: 250 cases against two fake providers with a fixed 50 ms delay at
// concurrency 16, run through the built CLI (`npm run build` first). The ideal is
// cases x providers x delay / concurrency. Targets, each printed with its figure:
//   wall time from spawn to exit   <= 1.15 x ideal + 150 ms (start-up included)
//   suite loading (250 cases)      <= 50 ms, timed in a fresh Node after its modules are imported
//   no warning on stderr; peak RSS < 150 MB
// Exits 1 when any is missed.
//
// On a loaded machine (2 cores shared with other test suites) wall time says more about the
// scheduler than about migrate, so each figure is the median of BENCH_RUNS runs (default 3) and
// printed beside what load does not move much: the CLI's CPU time, and the request phase measured
// by the fake providers themselves (first request in to last answer out, against the ideal for the
// requests they received). The load average is printed with them; the targets stay as they are.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFakeProvider } from '../dist/testing/fake-provider.js';

const CASES = 250;
const DELAY_MS = 50;
const CONCURRENCY = 16;
const PROVIDERS = 2;
const BIN = fileURLToPath(new URL('../bin/migrate.js', import.meta.url));
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));

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
  legacy: { baseUrl: "${legacy.url}", apiKey: "\${LEGACY_API_KEY}" }
  target: { baseUrl: "${target.url}", apiKey: "\${TARGET_API_KEY}" }
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

/**
 * CPU time (ms) of this process's reaped children: Linux adds a child's user and system time to
 * its parent's cutime and cstime when it is waited for (clock ticks, 10 ms).
 */
function childrenCpuMs() {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / 100;
  } catch {
    return NaN;
  }
}

function run(args, cwd) {
  return new Promise((resolve, reject) => {
    const cpuBefore = childrenCpuMs();
    const started = Date.now();
    const child = spawn(process.execPath, [BIN, ...args], { cwd, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1', ...KEYS } });
    const stop = watchPeakRss(child.pid);
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('exit', (code) => {
      const ended = Date.now();
      resolve({ code, started, ended, ms: ended - started, peakRss: stop(), stderr, cpuMs: childrenCpuMs() - cpuBefore });
    });
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

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** One validate run against fresh request logs: its figures, the request phase as the providers saw it. */
async function measure(dir, providers) {
  for (const p of providers) p.resetCounts();
  const result = await run(['validate', '--json', 'report.json'], dir);
  const requests = providers.flatMap((p) => p.requests);
  const first = Math.min(...requests.map((r) => r.time));
  const lastOut = Math.max(...requests.map((r) => r.time + (r.durationMs ?? 0)));
  const report = JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8'));
  return {
    ...result,
    sent: requests.length,
    passed: report.summary.verdicts.pass,
    startup: first - result.started,
    requestPhase: lastOut - first,
    requestIdeal: (requests.length * DELAY_MS) / CONCURRENCY,
    afterLast: result.ended - lastOut,
    warned: /Warning/.test(result.stderr),
  };
}

const dir = mkdtempSync(path.join(tmpdir(), 'bench-validate-'));
const providers = await Promise.all(['legacy', 'target'].map((name) => startFakeProvider({ name, faults: { latency: DELAY_MS } })));
// The keys come from the environment, as the docs ask (a key written in the file is warned about,
// and the warning's line lookup loads the yaml package: about 50 ms of CPU before the first request).
const KEYS = { LEGACY_API_KEY: providers[0].apiKey, TARGET_API_KEY: providers[1].apiKey };
try {
  const [legacy, target] = providers;
  writeFileSync(path.join(dir, 'suite.yaml'), suite());
  writeFileSync(path.join(dir, 'migrate.yaml'), config(legacy, target));
  const loadBefore = loadavg()[0];
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await measure(dir, providers));
  const loadings = Array.from({ length: RUNS }, () => suiteLoadingMs(path.join(dir, 'suite.yaml')));
  const loadAfter = loadavg()[0];
  const pick = (key) => median(runs.map((r) => r[key]));
  const ideal = (CASES * PROVIDERS * DELAY_MS) / CONCURRENCY;
  const wallTarget = 1.15 * ideal + 150;
  const wall = pick('ms');
  const loading = { wall: median(loadings.map((l) => l.wall)), cpu: median(loadings.map((l) => l.cpu)) };
  const failedRun = runs.find((r) => r.code !== 0);
  const warned = runs.some((r) => r.warned);
  const mb = Math.max(...runs.map((r) => r.peakRss)) / 1024 / 1024;
  const verdict = (ok) => (ok ? 'met' : 'MISSED');
  console.log(`validate: ${CASES} cases x ${PROVIDERS} providers, ${DELAY_MS} ms delay, concurrency ${CONCURRENCY} (${runs[0].sent} requests incl. conformance probes)`);
  console.log(
    `  medians of ${RUNS} runs; load average ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after (2 cores here: above 2, every figure below waits for the CPU)`,
  );
  console.log(`  exit ${runs.map((r) => r.code).join('/')}, ${runs.map((r) => r.passed).join('/')} of ${CASES} pass`);
  console.log(
    `  wall ${wall.toFixed(0)} ms = ${(wall / ideal).toFixed(2)}x ideal ${ideal.toFixed(0)} ms  (target <= 1.15x + 150 ms = ${wallTarget.toFixed(0)} ms: ${verdict(wall <= wallTarget)})`,
  );
  console.log(
    `    spawn to first request ${pick('startup').toFixed(0)} ms; requests ${pick('requestPhase').toFixed(0)} ms = ${median(runs.map((r) => r.requestPhase / r.requestIdeal)).toFixed(2)}x their ideal ${runs[0].requestIdeal.toFixed(0)} ms (the providers' own clocks); last answer to exit ${pick('afterLast').toFixed(0)} ms`,
  );
  console.log(`    CPU time of the CLI ${pick('cpuMs').toFixed(0)} ms (runs: ${runs.map((r) => r.cpuMs.toFixed(0)).join(', ')})`);
  console.log(`  suite loading ${loading.wall.toFixed(0)} ms, ${loading.cpu.toFixed(0)} ms of CPU  (target <= 50 ms: ${verdict(loading.wall <= 50)})`);
  console.log(`  warnings on stderr: ${warned ? 'yes' : 'none'}  (target none: ${verdict(!warned)})`);
  console.log(`  peak RSS: ${mb ? mb.toFixed(0) : 'n/a'} MB  (target < 150 MB: ${mb ? verdict(mb < 150) : 'not measured'})`);
  if (failedRun || warned) process.stderr.write((failedRun ?? runs.find((r) => r.warned)).stderr);
  process.exitCode = !failedRun && wall <= wallTarget && loading.wall <= 50 && !warned && (!mb || mb < 150) ? 0 : 1;
} finally {
  await Promise.all(providers.map((p) => p.close()));
  rmSync(dir, { recursive: true, force: true });
}
