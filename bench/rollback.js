#!/usr/bin/env node
// Rollback against a real compose project (needs docker, the migrate-busybox image and `npm run build`):
//  1. overhead: `migrate rollback` wall time minus the time inside its `compose up` call, in ms and
//     as a ratio to that call (target < 300 ms). Also shown without the readiness wait, which is the
//     containers starting (the seed's rollback does not wait at all, so it is not tool overhead).
//  2. downtime: the gap in the app's requests to the providers while `migrate rollback` recreates
//     only the app, against the seed's `docker-compose down` + `up -d` on the same project, as a ratio.
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = path.join(ROOT, 'bin/migrate.js');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const TARGET_OVERHEAD_MS = 300;
const KEYS = { legacy: 'sk-bench-legacy-000000001111', target: 'sk-bench-target-000000002222' };

if (!existsSync(path.join(ROOT, 'dist/cli.js'))) {
  console.error('bench/rollback.js: dist/ is missing; run `npm run build` first');
  process.exit(2);
}
const dist = (p) => import(new URL(`../dist/${p}`, import.meta.url).href);
const { startFakeProvider } = await dist('testing/fake-provider.js');
const compose = await dist('core/compose/index.js');
const { runCommand } = await dist('core/exec/index.js');
const { percentile } = await dist('core/stats.js');

async function must(cmd) {
  const r = await runCommand({ timeoutMs: 180_000, ...cmd });
  if (r.exitCode !== 0) throw new Error(`${cmd.argv.join(' ')} failed (${r.exitCode}): ${r.stderr}`);
  return r;
}

async function dockerReady() {
  const info = await runCommand({ argv: ['docker', 'info', '--format', '{{.ServerVersion}}'], kind: 'read' }).catch(() => undefined);
  const image = await runCommand({ argv: ['docker', 'image', 'inspect', 'migrate-busybox:latest'], kind: 'read' }).catch(() => undefined);
  return info?.exitCode === 0 && image?.exitCode === 0;
}

function migrate(dir, args) {
  const env = { ...process.env, OPENAI_API_KEY: KEYS.legacy, TARGET_API_KEY: KEYS.target, NO_COLOR: '1', CI: 'true' };
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, '--config', path.join(dir, 'migrate.yaml'), ...args], { env, cwd: dir }, (err, stdout, stderr) =>
      resolve({ code: err ? (err.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const envText = (p, key, weight) => `OPENAI_BASE_URL=${p.url}\nOPENAI_API_KEY=${key}\nLLM_TARGET_WEIGHT=${weight}\n`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => percentile(xs, 50);
const chatTimes = (p) => p.requests.filter((r) => r.path === '/v1/chat/completions' && r.authorized).map((r) => r.time);

async function until(what, check, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/**
 * The app's outage as its traffic shows it: from its last request to target (old container) to
 * its first to legacy (new container). Requests from migrate's own verification carry a body the
 * app never sends ("hi"), so they are left out.
 */
function gapMs(legacy, target, since) {
  const app = (r) => r.path === '/v1/chat/completions' && r.authorized && r.body?.messages?.[0]?.content === 'ping';
  const lastTarget = Math.max(...target.requests.filter((r) => app(r) && r.time >= since - 5000).map((r) => r.time));
  const firstLegacy = Math.min(...legacy.requests.filter((r) => app(r) && r.time >= since).map((r) => r.time));
  return firstLegacy - lastTarget;
}

/** Point the env file at target and recreate the app on it, as a ramp's cut-over would. */
async function cutOver(ctx) {
  await fs.writeFile(ctx.envFile, envText(ctx.target, KEYS.target, 100));
  await must(compose.composeUp(ctx.project, ['app', 'worker']));
  const seen = chatTimes(ctx.target).length;
  await until('the app to reach target', () => chatTimes(ctx.target).length >= seen + 3);
}

async function setup() {
  const legacy = await startFakeProvider({ name: 'legacy', apiKey: KEYS.legacy });
  const target = await startFakeProvider({ name: 'target', apiKey: KEYS.target });
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'migrate-bench-rollback-'));
  await fs.cp(path.join(ROOT, 'fixtures/compose'), dir, { recursive: true });
  const projectName = `migrate-bench-${process.pid}`;
  const cli = await compose.detectCompose();
  const project = compose.composeProject(cli, { files: ['docker-compose.yml'], projectName }, dir);
  const envFile = path.join(dir, '.env.canary');
  await fs.writeFile(envFile, envText(legacy, KEYS.legacy, 0));
  await fs.writeFile(
    path.join(dir, 'migrate.yaml'),
    `version: 1
providers:
  legacy: { baseUrl: "${legacy.url}", apiKey: "\${OPENAI_API_KEY}" }
  target: { baseUrl: "${target.url}", apiKey: "\${TARGET_API_KEY}" }
models: [gpt-4.1]
environments:
  canary:
    envFiles: [.env.canary]
    compose: { files: [docker-compose.yml], services: [app], projectName: ${projectName}, command: ${cli.flavor === 'v2' ? '"docker compose"' : 'docker-compose'} }
`,
  );
  await must(compose.composeUp(project, ['app', 'worker']));
  await until('the app to reach legacy', () => chatTimes(legacy).length > 0);
  const backup = await migrate(dir, ['backup', '--env', 'canary']);
  if (backup.code !== 0) throw new Error(`migrate backup failed: ${backup.stderr}`);
  return { legacy, target, dir, project, envFile, backup: backup.stdout.trim(), cli };
}

async function rollbackRound(ctx) {
  await cutOver(ctx);
  const since = Date.now();
  const started = performance.now();
  const r = await migrate(ctx.dir, ['rollback', '--env', 'canary', '--yes', '--json']);
  const wallMs = performance.now() - started;
  if (r.code !== 0) throw new Error(`migrate rollback exited ${r.code}: ${r.stderr}`);
  const { timings } = JSON.parse(r.stdout);
  await until('the app to reach legacy again', () => chatTimes(ctx.legacy).some((t) => t >= since));
  if (process.env.BENCH_DEBUG) console.error({ wallMs, durationMs: JSON.parse(r.stdout).durationMs, ...timings });
  return { wallMs, ...timings, gapMs: gapMs(ctx.legacy, ctx.target, since) };
}

/** The seed's rollback: copy the backup back, take the whole stack down, bring it up again. */
async function seedRound(ctx) {
  await cutOver(ctx);
  const since = Date.now();
  const started = performance.now();
  await fs.copyFile(path.join(ctx.dir, '.migrate/backups', ctx.backup, '0-.env.canary'), ctx.envFile);
  await must(compose.composeDown(ctx.project));
  await must({ argv: [...compose.baseArgv(ctx.project), 'up', '-d', 'app', 'worker'], cwd: ctx.project.cwd, kind: 'write' });
  const wallMs = performance.now() - started;
  await until('the app to reach legacy again', () => chatTimes(ctx.legacy).some((t) => t >= since));
  return { wallMs, gapMs: gapMs(ctx.legacy, ctx.target, since) };
}

async function main() {
  if (!(await dockerReady())) {
    console.error('bench/rollback.js: docker or the migrate-busybox image is missing; run `bash .ci/docker.sh` first');
    process.exit(2);
  }
  const ctx = await setup();
  try {
    const ours = [];
    const seed = [];
    for (let i = 0; i < ROUNDS; i++) {
      ours.push(await rollbackRound(ctx));
      seed.push(await seedRound(ctx));
    }
    report(ctx, ours, seed);
  } finally {
    await runCommand({ ...compose.composeDown(ctx.project, { volumes: true }), timeoutMs: 120_000 }).catch(() => undefined);
    await fs.rm(ctx.dir, { recursive: true, force: true });
    await ctx.legacy.close();
    await ctx.target.close();
  }
}

/** Bare `node -e 0`, for scale: on a loaded machine every number above grows with it. */
function bareNodeMs() {
  const times = Array.from({ length: 5 }, () => {
    const t = performance.now();
    spawnSync(process.execPath, ['-e', '0']);
    return performance.now() - t;
  });
  return median(times);
}

function report(ctx, ours, seed) {
  const m = (key, rows = ours) => median(rows.map((r) => r[key]));
  const wall = m('wallMs');
  const composeMs = m('composeMs');
  const overhead = median(ours.map((r) => r.wallMs - r.composeMs));
  const toolOverhead = median(ours.map((r) => r.wallMs - r.composeMs - r.waitMs));
  console.log(`rollback: ${ctx.cli.argv.join(' ')} ${ctx.cli.version}, median of ${ROUNDS} rounds`);
  console.log(`  migrate rollback wall       ${wall.toFixed(0)} ms`);
  console.log(`  inside compose up           ${composeMs.toFixed(0)} ms`);
  console.log(`  overhead (wall - compose)   ${overhead.toFixed(0)} ms  ratio ${(overhead / composeMs).toFixed(2)}x of the compose call`);
  console.log(`    of which readiness wait   ${m('waitMs').toFixed(0)} ms (containers starting and passing their healthcheck)`);
  console.log(`    of which verify           ${m('verifyMs').toFixed(0)} ms (models + one chat)`);
  console.log(`    of which start-up         ${m('startupMs').toFixed(0)} ms (node, modules, config; bare node -e 0 takes ${bareNodeMs().toFixed(0)} ms here)`);
  console.log(`    of which compose detect   ${m('detectMs').toFixed(0)} ms (waiting on compose version)`);
  console.log(`  tool overhead (excl. wait)  ${toolOverhead.toFixed(0)} ms  ratio ${(toolOverhead / composeMs).toFixed(2)}x  (target < ${TARGET_OVERHEAD_MS} ms: ${toolOverhead < TARGET_OVERHEAD_MS ? 'met' : 'MISSED'})`);
  const ourGap = m('gapMs');
  const seedGap = m('gapMs', seed);
  console.log(`downtime: gap in the app's requests (last to target -> first to legacy)`);
  console.log(`  migrate rollback (up --no-deps --force-recreate app)  ${ourGap.toFixed(0)} ms`);
  console.log(`  seed: down + up -d (whole stack)                      ${seedGap.toFixed(0)} ms  (wall ${m('wallMs', seed).toFixed(0)} ms; worker restarted too)`);
  console.log(`  ratio seed / migrate ${(seedGap / ourGap).toFixed(2)}x`);
}

await main();
