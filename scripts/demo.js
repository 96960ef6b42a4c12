#!/usr/bin/env node
// The whole flow against two local fake providers, as a user would see it:
// check → validate → backup → a ramp that completes → a ramp whose target starts failing at
// 20 % and is rolled back by itself → status. Run with `npm run demo` (it builds first).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFakeProvider } from '../dist/testing/fake-provider.js';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const cli = path.join(root, 'bin', 'migrate.js');
const work = mkdtempSync(path.join(tmpdir(), 'migrate-demo-'));

const legacy = await startFakeProvider({ name: 'legacy', apiKey: 'sk-demo-legacy-0000aaaa', faults: { latency: { min: 20, max: 40 } } });
const target = await startFakeProvider({ name: 'target', apiKey: 'sk-demo-target-1111bbbb', faults: { latency: { min: 10, max: 25 } } });

const envFile = `# The demo app's settings: migrate edits only the keys it must.
OPENAI_BASE_URL=${legacy.url}
OPENAI_API_KEY=\${LEGACY_API_KEY}  # resolved by the app at start-up
LLM_TARGET_WEIGHT=0
`;
writeFileSync(path.join(work, '.env.demo'), envFile, { mode: 0o600 });
writeFileSync(path.join(work, '.env.migrate'), `LEGACY_API_KEY=${legacy.apiKey}\nTARGET_API_KEY=${target.apiKey}\n`, { mode: 0o600 });
writeFileSync(
  path.join(work, 'migrate.yaml'),
  `version: 1
providers:
  legacy:
    baseUrl: ${legacy.url}
    apiKey: \${LEGACY_API_KEY}
    prices: { gpt-4.1: { input: 2.0, output: 8.0 } }
  target:
    baseUrl: ${target.url}
    apiKey: \${TARGET_API_KEY}
    prices: { gpt-4.1: { input: 0.6, output: 2.4 } }
models: [gpt-4.1]
environments:
  demo:
    envFiles: [.env.demo]
    traffic: { driver: env, weightKey: LLM_TARGET_WEIGHT }
    cutover:
      OPENAI_BASE_URL: ${target.url}
      OPENAI_API_KEY: \${TARGET_API_KEY}
ramp:
  stages: [5, 20, 50, 100]
  soak: 3s
  interval: 1s
  gates: { maxErrorRate: 0.05, maxP95Ms: 2000, maxP95Ratio: 3, minSamples: 4 }
  sources: { probes: { rps: 6, baseline: true } }
validate: { dailyRequests: 100000 }
`,
);

async function step(title, args, { expect = [0], whileRunning } = {}) {
  process.stderr.write(`\n\x1b[1m$ migrate ${args.join(' ')}\x1b[0m   # ${title}\n`);
  const child = spawn(process.execPath, [cli, ...args], { cwd: work, stdio: 'inherit', env: { ...process.env, CI: 'true' } });
  const watcher = whileRunning && setInterval(whileRunning, 100);
  const code = await new Promise((resolve) => child.on('exit', (c) => resolve(c ?? 130)));
  if (watcher) clearInterval(watcher);
  process.stderr.write(`\x1b[2m(exit ${code})\x1b[0m\n`);
  if (!expect.includes(code)) throw new Error(`migrate ${args[0]} exited ${code}, expected ${expect.join(' or ')}`);
  return code;
}

/** Breaks the target once the ramp state shows the 20 % stage, as a real incident would. */
function breakTargetAt(weight) {
  let broken = false;
  return () => {
    if (broken) return;
    try {
      const state = JSON.parse(readFileSync(path.join(work, '.migrate', 'state', 'demo.json'), 'utf8'));
      if (state.stages[state.current]?.weight !== weight) return;
    } catch {
      return;
    }
    broken = true;
    target.setFaults({ error: { status: 503, rate: 0.5 } });
  };
}

function showEnvFile(label) {
  let text = readFileSync(path.join(work, '.env.demo'), 'utf8');
  for (const key of [legacy.apiKey, target.apiKey]) text = text.replaceAll(key, `sk-…${key.slice(-4)}`);
  process.stderr.write(`\n\x1b[1m.env.demo ${label} (keys redacted here):\x1b[0m\n${text}`);
}

let failed = false;
try {
  await step('can we reach both providers?', ['check', '--samples', '3']);
  await step('the built-in suite on legacy and target, side by side', ['validate']);
  await step('snapshot the env files', ['backup', '--env', 'demo', '-m', 'before the demo ramp']);
  await step('5 → 20 → 50 → 100 %, gated by live probes', ['ramp', '--env', 'demo', '--yes']);
  showEnvFile('after the ramp (cut over to target)');
  await step('incident drill: put everything back', ['rollback', '--env', 'demo', '--yes', '--no-restart']);
  showEnvFile('after the rollback (legacy again, byte for byte)');
  await step('a target that starts failing at 20 % is rolled back by itself', ['ramp', '--env', 'demo', '--yes'], {
    expect: [1],
    whileRunning: breakTargetAt(20),
  });
  await step('what the gates saw', ['status', '--env', 'demo']);
  // DEMO_REPORT=FILE: also the last ramp as an HTML page (scripts/screenshot-report.js uses it).
  if (process.env.DEMO_REPORT) await step('the last ramp as one HTML page', ['report', '--env', 'demo', '--out', path.resolve(process.env.DEMO_REPORT)]);
  showEnvFile('after the automatic rollback');
} catch (err) {
  failed = true;
  process.stderr.write(`\ndemo failed: ${err.message}\n`);
} finally {
  await Promise.all([legacy.close(), target.close()]);
  rmSync(work, { recursive: true, force: true });
}
process.exitCode = failed ? 1 : 0;
