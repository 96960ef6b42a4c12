#!/usr/bin/env node
// Rollback against a real compose project (needs docker, the migrate-busybox image and `npm run build`),
// each figure a ratio of medians from rounds interleaved in this one run, so machine load hits all alike:
//  1. wall: `migrate rollback` (restore, recreate, wait, verify what the containers hold) against the
//     bare `compose up -d --no-deps --force-recreate app` it runs, on the same change. Target: at most
//     TARGET_OVERHEAD_MS more.
//  2. gap: the app's gap in requests during `migrate rollback`, against the bare call's (target: the
//     same, within one of the app's request intervals) and a naive `down` + `up -d` of the whole stack.
//  3. dry run: `migrate rollback --dry-run` against bare `node -e 0` (target: at most 2x, on CPU time).
// The fixture's healthcheck is taken out of the bench's copy: docker runs its first probe one
// 1 s interval after start (no start_interval before Docker 25), which the bare call never waits
// for; with it this would measure the fixture's interval, not migrate. Exits 1 on a missed target.
import { execFile } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { timeWhole } from './cpu.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = path.join(ROOT, 'bin/migrate.js');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const DRY_RUNS = Number(process.env.BENCH_DRY_RUNS ?? 10);
const TARGET_OVERHEAD_MS = 300;
const TARGET_DRY_RATIO = 2;
// The app sends a request about every 200 ms: gaps within one interval of each other are the same.
const GAP_SLACK_MS = 250;
const KEYS = { legacy: 'sk-bench-legacy-000000001111', target: 'sk-bench-target-000000002222' };

if (!existsSync(path.join(ROOT, 'dist/cli.js'))) {
  console.error('bench/rollback.js: dist/ is missing; run `npm run build` first');
  process.exit(2);
}
const dist = (p) => import(new URL(`../dist/${p}`, import.meta.url).href);
const { startFakeProvider } = await dist('testing/fake-provider.js');
// Each module the file that defines it (no barrels: docs/architecture.md, Conventions).
const compose = { ...(await dist('core/compose/detect.js')), ...(await dist('core/compose/project.js')), ...(await dist('core/compose/commands.js')) };
const exec = await dist('core/exec/run.js');
// The bench's own docker and compose calls run in this process's environment, as the CLI's run in its Context's.
const runCommand = (cmd) => exec.runCommand(cmd, { processEnv: process.env });
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
  const cli = await compose.detectCompose({ processEnv: process.env });
  // Without the app's healthcheck (see the top); an override cannot remove one on Compose v1.
  const composeFile = path.join(dir, 'docker-compose.yml');
  const withoutHealth = (await fs.readFile(composeFile, 'utf8')).replace(/^ {4}healthcheck:\n(?: {6}.*\n)+/m, '');
  if (/healthcheck:/.test(withoutHealth)) throw new Error('bench/rollback.js: could not take the healthcheck out of fixtures/compose');
  await fs.writeFile(composeFile, withoutHealth);
  const files = ['docker-compose.yml'];
  const project = compose.composeProject(cli, { files, projectName }, dir, process.env);
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
    compose: { files: [${files.join(', ')}], services: [app], projectName: ${projectName}, command: ${cli.flavor === 'v2' ? '"docker compose"' : 'docker-compose'} }
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

/** Put the backup's bytes back, as the restore does, then the one call being timed. */
async function restoreThen(ctx, body) {
  await cutOver(ctx);
  const since = Date.now();
  const started = performance.now();
  await fs.copyFile(path.join(ctx.dir, '.migrate/backups', ctx.backup, '0-.env.canary'), ctx.envFile);
  await body();
  const wallMs = performance.now() - started;
  await until('the app to reach legacy again', () => chatTimes(ctx.legacy).some((t) => t >= since));
  return { wallMs, gapMs: gapMs(ctx.legacy, ctx.target, since) };
}

/** The bare call migrate rollback makes: `up -d --no-deps --force-recreate app`. */
const bareRound = (ctx) => restoreThen(ctx, () => must(compose.composeUp(ctx.project, ['app'])));

/** A naive rollback: copy the backup back, take the whole stack down, bring it up again. */
const seedRound = (ctx) =>
  restoreThen(ctx, async () => {
    await must(compose.composeDown(ctx.project));
    await must({ argv: [...compose.baseArgv(ctx.project), 'up', '-d', 'app', 'worker'], cwd: ctx.project.cwd, kind: 'write' });
  });

/**
 * `rollback --dry-run` against bare `node -e 0`, interleaved, with the env file pointing at target:
 * wall and CPU time (bench/cpu.js; the verdict is on CPU, which the machine's load inflates less).
 */
async function dryRunTimes(ctx) {
  await fs.writeFile(ctx.envFile, envText(ctx.target, KEYS.target, 100));
  const env = { ...process.env, OPENAI_API_KEY: KEYS.legacy, TARGET_API_KEY: KEYS.target, NO_COLOR: '1', CI: 'true' };
  const args = [BIN, '--config', path.join(ctx.dir, 'migrate.yaml'), 'rollback', '--env', 'canary', '--dry-run'];
  const bare = [];
  const dry = [];
  for (let i = 0; i < DRY_RUNS; i++) {
    bare.push(await timeWhole(process.execPath, ['-e', '0']));
    dry.push(await timeWhole(process.execPath, args, { cwd: ctx.dir, env }));
  }
  const m = (rows, key) => median(rows.map((r) => r[key]));
  return { bare: m(bare, 'wall'), dry: m(dry, 'wall'), bareCpu: m(bare, 'cpu'), dryCpu: m(dry, 'cpu') };
}

async function main() {
  if (!(await dockerReady())) {
    console.error('bench/rollback.js: docker or the migrate-busybox image is missing; run `bash .ci/docker.sh` first');
    process.exit(2);
  }
  const ctx = await setup();
  try {
    const ours = [];
    const bare = [];
    const seed = [];
    for (let i = 0; i < ROUNDS; i++) {
      // Alternate who goes first, so neither always runs on a daemon just busy with the other.
      if (i % 2) bare.push(await bareRound(ctx));
      ours.push(await rollbackRound(ctx));
      if (!(i % 2)) bare.push(await bareRound(ctx));
      seed.push(await seedRound(ctx));
    }
    const dry = await dryRunTimes(ctx);
    process.exitCode = report(ctx, { ours, bare, seed, dry }) ? 0 : 1;
  } finally {
    await runCommand({ ...compose.composeDown(ctx.project, { volumes: true }), timeoutMs: 120_000 }).catch(() => undefined);
    await fs.rm(ctx.dir, { recursive: true, force: true });
    await ctx.legacy.close();
    await ctx.target.close();
  }
}

function report(ctx, { ours, bare, seed, dry }) {
  const m = (rows, key) => median(rows.map((r) => r[key]));
  const wall = m(ours, 'wallMs');
  const bareWall = m(bare, 'wallMs');
  const overhead = wall - bareWall;
  const gap = m(ours, 'gapMs');
  const bareGap = m(bare, 'gapMs');
  const dryRatio = dry.dryCpu / dry.bareCpu;
  const checks = [overhead <= TARGET_OVERHEAD_MS, gap <= bareGap + GAP_SLACK_MS, dryRatio <= TARGET_DRY_RATIO];
  const verdict = (ok) => (ok ? 'met' : 'MISSED');
  console.log(`rollback: ${ctx.cli.argv.join(' ')} ${ctx.cli.version}, medians of ${ROUNDS} interleaved rounds`);
  console.log(`  bare compose up --no-deps --force-recreate app  ${bareWall.toFixed(0)} ms`);
  console.log(
    `  migrate rollback (restore, recreate, verify)    ${wall.toFixed(0)} ms  ratio ${(wall / bareWall).toFixed(2)}x, +${overhead.toFixed(0)} ms  (target <= +${TARGET_OVERHEAD_MS} ms: ${verdict(checks[0])})`,
  );
  console.log(
    `    inside: start-up ${m(ours, 'startupMs')}, plan ${m(ours, 'planMs')}, compose up ${m(ours, 'composeMs')}, wait ${m(ours, 'waitMs')}, verify ${m(ours, 'verifyMs')} ms`,
  );
  console.log(`downtime: gap in the app's requests (last to target -> first to legacy)`);
  console.log(`  bare compose call       ${bareGap.toFixed(0)} ms`);
  console.log(`  migrate rollback        ${gap.toFixed(0)} ms  (target: within ${GAP_SLACK_MS} ms of the bare call's: ${verdict(checks[1])})`);
  console.log(
    `  naive down + up -d     ${m(seed, 'gapMs').toFixed(0)} ms  ratio to migrate ${(m(seed, 'gapMs') / gap).toFixed(2)}x (wall ${m(seed, 'wallMs').toFixed(0)} ms; worker restarted too)`,
  );
  console.log(`dry run: migrate rollback --dry-run vs node -e 0, medians of ${DRY_RUNS} interleaved runs (verdict on CPU time)`);
  console.log(
    `  CPU (user+sys): node -e 0 ${dry.bareCpu.toFixed(0)} ms, dry run ${dry.dryCpu.toFixed(0)} ms  ratio ${dryRatio.toFixed(2)}x  (target <= ${TARGET_DRY_RATIO}x: ${verdict(checks[2])})`,
  );
  console.log(`  wall:           node -e 0 ${dry.bare.toFixed(0)} ms, dry run ${dry.dry.toFixed(0)} ms  ratio ${(dry.dry / dry.bare).toFixed(2)}x`);
  return checks.every(Boolean);
}

await main();
