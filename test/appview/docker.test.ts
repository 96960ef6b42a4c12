// The app's view is the truth: after a ramp's cut-over and after a rollback, migrate reads what
// each container holds (its environment, and env files bound into it as single files, as the
// container sees them), judges the URL + key pair, and probes exactly that pair. Real docker
// compose v1 and fake providers on loopback; short ramps, one stage, `--yes`.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { composeDown, composeUp } from '../../src/core/compose/commands.js';
import { composeProject } from '../../src/core/compose/project.js';
import { containerEnv, containerIds } from '../../src/core/compose/containers.js';
import { runCommand } from '../helpers/run.js';
import { composeFixture, dockerAvailable, type ComposeFixture } from '../helpers/docker.js';
import { startFakeProvider, type FakeProvider, type RequestRecord } from '../helpers/fake-provider.js';
import { configYaml, LEGACY_KEY, migrate, onCleanup, probeRamp, readState, TARGET_KEY } from '../ramp/helpers.js';

const available = await dockerAvailable();

interface Stack {
  legacy: FakeProvider;
  target: FakeProvider;
  fx: ComposeFixture;
}

interface StackOptions {
  /** compose.services in migrate.yaml; undefined: left out, so the compose model derives them. */
  services?: string[];
  /** YAML lines under the environment (cutover: …). */
  cutover?: string[];
  /** Started with the environment's services (they must exist in the compose files). */
  start: string[];
  /** A second compose file, listed in migrate.yaml after docker-compose.yml. */
  extraCompose?: string;
}

/** Fake providers, a compose project whose services read .env.canary (legacy, weight 0), and migrate.yaml. */
async function stack(o: StackOptions): Promise<Stack> {
  const legacy = await startFakeProvider({ name: 'legacy', apiKey: LEGACY_KEY });
  const target = await startFakeProvider({ name: 'target', apiKey: TARGET_KEY });
  // A test may stop a provider itself: closing twice is no failure.
  onCleanup(() => legacy.close().catch(() => undefined));
  onCleanup(() => target.close().catch(() => undefined));
  const fx = await composeFixture({ OPENAI_BASE_URL: legacy.url, OPENAI_API_KEY: LEGACY_KEY, LLM_TARGET_WEIGHT: '0' });
  onCleanup(() => fx.down());
  const files = ['docker-compose.yml', ...(o.extraCompose ? ['extra.yml'] : [])];
  let project = fx.project;
  if (o.extraCompose) {
    await fs.writeFile(path.join(fx.dir, 'extra.yml'), o.extraCompose);
    project = composeProject(fx.project.cli, { files, projectName: fx.projectName }, fx.dir, process.env);
    // fx.down() knows docker-compose.yml only: this takes the extra service's container too.
    onCleanup(() => runCommand({ ...composeDown(project, { volumes: true }), timeoutMs: 60_000 }).catch(() => undefined));
  }
  const environments = [
    '  canary:',
    '    envFiles: [.env.canary]',
    `    compose: { files: [${files.join(', ')}], ${o.services ? `services: [${o.services.join(', ')}], ` : ''}projectName: ${fx.projectName}, healthTimeout: 30s }`,
    ...(o.cutover ?? []),
  ];
  await fs.writeFile(path.join(fx.dir, 'migrate.yaml'), configYaml({ legacyUrl: legacy.url, targetUrl: target.url, environments, ramp: probeRamp('100', '1s', '500ms') }));
  await fx.mustRun(composeUp(project, o.start));
  return { legacy, target, fx: { ...fx, project } };
}

const CUTOVER = ['    cutover:', '      OPENAI_BASE_URL: ${TARGET_URL}', '      OPENAI_API_KEY: ${TARGET_KEY}'];

/**
 * The app-view probe: a chat of 8 tokens with this provider's own key (the app sends no token
 * limit, the gates' probes 1, check 16). Counted after `since` so earlier traffic does not count.
 */
const appViewProbes = (provider: FakeProvider, since: number) =>
  provider.count(
    (r: RequestRecord) => r.path.endsWith('/chat/completions') && r.authorized && r.time >= since && (r.body as { max_completion_tokens?: number })?.max_completion_tokens === 8,
  );

/** NDJSON events of a `ramp --json` run. */
function events(stdout: string): Array<Record<string, unknown>> {
  return stdout
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

function expectNoKeys(...texts: string[]): void {
  for (const text of texts) {
    expect(text).not.toContain(LEGACY_KEY);
    expect(text).not.toContain(TARGET_KEY);
  }
}

describe.skipIf(!available)("the app's view after a ramp", () => {
  it('a completed cut-over: the container holds the target pair, and exactly that pair was probed on the target provider', async () => {
    const { target, fx } = await stack({ services: ['app'], cutover: CUTOVER, start: ['app', 'worker'] });
    const started = Date.now();

    const r = await migrate(fx.dir, ['ramp', '--env', 'canary', '--yes', '--json'], { targetUrl: target.url });

    expect(r.code, r.stderr).toBe(0);
    const app = (await containerIds(fx.project, ['app'])).app![0]!;
    const seen = events(r.stdout).find((e) => e.event === 'containers');
    expect(seen).toMatchObject({
      ok: true,
      step: 'the cut-over',
      expected: 'target',
      containers: [
        {
          service: 'app',
          id: app.slice(0, 12),
          ok: true,
          pairs: [{ urlVariable: 'OPENAI_BASE_URL', keyVariable: 'OPENAI_API_KEY', url: target.url, urlRole: 'target', keyRole: 'target', role: 'target', probe: { ok: true } }],
          weight: { key: 'LLM_TARGET_WEIGHT', value: '100', expected: '100' },
        },
      ],
    });
    // The check came before the end event that says completed.
    const order = events(r.stdout).map((e) => e.event);
    expect(order.indexOf('containers')).toBeLessThan(order.indexOf('end'));
    expect(appViewProbes(target, started)).toBe(1);
    expectNoKeys(r.stdout, r.stderr, await fs.readFile(path.join(fx.dir, '.migrate/audit.log'), 'utf8'));
  }, 90_000);

  it('a cut-over that writes the target key but leaves the URL on legacy is a failed step: mixed, rolled back, exit 1', async () => {
    const { legacy, target, fx } = await stack({ services: ['app'], cutover: ['    cutover:', '      OPENAI_API_KEY: ${TARGET_KEY}'], start: ['app'] });
    const original = await fs.readFile(fx.envFile);

    const r = await migrate(fx.dir, ['ramp', '--env', 'canary', '--yes'], { targetUrl: target.url });

    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/app \([0-9a-f]{12}\): OPENAI_BASE_URL → legacy, key of target \(mixed\); the cut-over meant target/);
    expect(r.stdout + r.stderr).not.toContain('completed');
    expect((await readState(fx.dir))?.status).toBe('rolled-back');
    expect((await fs.readFile(fx.envFile)).equals(original)).toBe(true);
    const app = (await containerIds(fx.project, ['app'])).app![0]!;
    expect(await containerEnv(app, process.env)).toMatchObject({ OPENAI_BASE_URL: legacy.url, OPENAI_API_KEY: LEGACY_KEY });
    // A mixed pair is never probed: that would hand the target's key to legacy.
    expect(appViewProbes(legacy, 0) + appViewProbes(target, 0)).toBe(1); // the rollback's probe of legacy only
    expect(appViewProbes(legacy, 0)).toBe(1);
    expectNoKeys(r.stdout, r.stderr);
  }, 90_000);

  it('a service that reads the env file through a single-file bind mount and is not recreated still sees the old file: named, rolled back', async () => {
    const reader = [
      'services:',
      '  reader:',
      '    image: migrate-busybox:latest',
      '    network_mode: host',
      '    volumes:',
      '      - ./.env.canary:/app/.env:ro',
      '    command: ["sh", "-c", "trap \'exit 0\' TERM INT; while true; do sleep 1; done"]',
      '    stop_grace_period: 2s',
      '',
    ].join('\n');
    const { target, fx } = await stack({ services: ['app'], cutover: CUTOVER, start: ['app', 'reader'], extraCompose: reader });
    const readerId = (await containerIds(fx.project, ['reader'])).reader![0]!;

    const r = await migrate(fx.dir, ['ramp', '--env', 'canary', '--yes'], { targetUrl: target.url });

    expect(r.code, r.stderr).toBe(1);
    const short = readerId.slice(0, 12);
    expect(r.stderr).toContain(`reader (${short}): OPENAI_BASE_URL → legacy, key of legacy (read from /app/.env); the cut-over meant target`);
    expect(r.stderr).toMatch(/✓ app \([0-9a-f]{12}\): OPENAI_BASE_URL → target, key of target; models ok, chat ok/);
    expect((await readState(fx.dir))?.status).toBe('rolled-back');
    // Not recreated: the same container, which after the rollback holds legacy again, as the files do.
    expect((await containerIds(fx.project, ['reader'])).reader).toEqual([readerId]);
    expect(r.stderr).toContain(`✓ reader (${short}): OPENAI_BASE_URL → legacy, key of legacy (read from /app/.env)`);
    expectNoKeys(r.stdout, r.stderr);
  }, 90_000);
});

describe.skipIf(!available)("the app's view after migrate rollback", () => {
  /** A backup on legacy, then the app moved to target by hand (files and container). */
  async function onTarget(s: Stack, service: string): Promise<void> {
    const backup = await migrate(s.fx.dir, ['backup', '--env', 'canary']);
    expect(backup.code, backup.stderr).toBe(0);
    await s.fx.writeEnv({ OPENAI_BASE_URL: s.target.url, OPENAI_API_KEY: TARGET_KEY, LLM_TARGET_WEIGHT: '100' });
    await s.fx.mustRun(composeUp(s.fx.project, [service]));
  }

  it('containers back on the legacy pair: exit 0, and the legacy provider received the probe with its key', async () => {
    const s = await stack({ services: ['app'], start: ['app'] });
    await onTarget(s, 'app');
    const started = Date.now();

    const r = await migrate(s.fx.dir, ['rollback', '--env', 'canary', '--yes', '--json']);

    expect(r.code, r.stderr).toBe(0);
    const app = (await containerIds(s.fx.project, ['app'])).app![0]!;
    expect(JSON.parse(r.stdout)).toMatchObject({
      ok: true,
      verify: { ok: true, provider: 'legacy', baseUrl: s.legacy.url },
      containers: {
        ok: true,
        expected: 'legacy',
        containers: [{ service: 'app', id: app.slice(0, 12), pairs: [{ role: 'legacy', probe: { ok: true } }], weight: { value: '0' } }],
      },
    });
    expect(r.stderr).toMatch(/✓ app \([0-9a-f]{12}\): OPENAI_BASE_URL → legacy, key of legacy; models ok, chat ok \d+ms; LLM_TARGET_WEIGHT=0/);
    expect(appViewProbes(s.legacy, started)).toBe(1);
    expect(appViewProbes(s.target, started)).toBe(0);
    expectNoKeys(r.stdout, r.stderr);
  }, 90_000);

  it('a legacy pair that does not answer: exit 3 naming the container and the variable, with what to run', async () => {
    // worker has no healthcheck, so the rollback reaches the check with legacy down.
    const s = await stack({ services: ['worker'], start: ['worker'] });
    await onTarget(s, 'worker');
    await s.legacy.close();

    const r = await migrate(s.fx.dir, ['rollback', '--env', 'canary', '--yes']);

    expect(r.code, r.stderr).toBe(3);
    const worker = (await containerIds(s.fx.project, ['worker'])).worker![0]!;
    expect(r.stderr).toContain(`worker (${worker.slice(0, 12)}): OPENAI_BASE_URL → legacy does not answer with the key the container holds`);
    expect(r.stderr).toMatch(/up -d --no-deps --force-recreate worker`.*then run `migrate rollback --env canary --to \S+ --yes` to verify/);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expectNoKeys(r.stdout, r.stderr);
  }, 90_000);

  it('a listed service that reads the env file inside a directory it binds (./:/app): judged by that file, exit 0', async () => {
    const dirReader = [
      'services:',
      '  dirreader:',
      '    image: migrate-busybox:latest',
      '    network_mode: host',
      '    volumes:',
      '      - ./:/app:ro',
      '    command: ["sh", "-c", "trap \'exit 0\' TERM INT; while true; do sleep 1; done"]',
      '    stop_grace_period: 2s',
      '',
    ].join('\n');
    const s = await stack({ services: ['dirreader'], start: ['dirreader'], extraCompose: dirReader });
    await onTarget(s, 'dirreader');

    const r = await migrate(s.fx.dir, ['rollback', '--env', 'canary', '--yes']);

    expect(r.code, r.stderr).toBe(0);
    const id = (await containerIds(s.fx.project, ['dirreader'])).dirreader![0]!;
    expect(r.stderr).toContain(`✓ dirreader (${id.slice(0, 12)}): OPENAI_BASE_URL → legacy, key of legacy (read from /app/.env.canary); models ok, chat ok`);
    expectNoKeys(r.stdout, r.stderr);
  }, 90_000);
});

describe.skipIf(!available)('status and check --env say where the containers point', () => {
  it('status reads what they hold; check probes exactly that pair and fails on a mixed one', async () => {
    const s = await stack({ services: ['app'], start: ['app'] });
    const env = { targetUrl: s.target.url };

    const status = await migrate(s.fx.dir, ['status', '--env', 'canary'], env);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain('    app → legacy');
    expect(status.stdout).toMatch(/app \([0-9a-f]{12}\): OPENAI_BASE_URL → legacy, key of legacy$/m);
    const since = Date.now();
    const check = await migrate(s.fx.dir, ['check', '--env', 'canary', '--json', '--samples', '1'], env);
    expect(check.code, check.stderr).toBe(0);
    expect(JSON.parse(check.stdout).environment.containers).toMatchObject([
      { service: 'app', pointsAt: 'legacy', containers: [{ pairs: [{ url: s.legacy.url, probe: { ok: true } }] }] },
    ]);
    expect(appViewProbes(s.legacy, since)).toBe(1);

    await s.fx.writeEnv({ OPENAI_BASE_URL: s.legacy.url, OPENAI_API_KEY: TARGET_KEY, LLM_TARGET_WEIGHT: '100' });
    await s.fx.mustRun(composeUp(s.fx.project, ['app']));
    const mixed = await migrate(s.fx.dir, ['check', '--env', 'canary', '--samples', '1'], env);
    expect(mixed.code, mixed.stderr).toBe(1);
    expect(mixed.stdout).toContain('  app → mixed');
    expect(mixed.stdout).toMatch(/app \([0-9a-f]{12}\): OPENAI_BASE_URL → legacy, key of target \(mixed\)/);
    expectNoKeys(status.stdout, status.stderr, check.stdout, check.stderr, mixed.stdout, mixed.stderr);
  }, 90_000);

  it('with compose.services left out (as init writes it), every service reading the env file is shown, one with no container too', async () => {
    const s = await stack({ start: ['app'] }); // worker reads .env.canary too, but is not running
    const env = { targetUrl: s.target.url };
    const status = await migrate(s.fx.dir, ['status', '--env', 'canary'], env);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain('    app → legacy\n');
    expect(status.stdout).toMatch(/^ {4}worker → none \(no container\)$/m);
    const check = await migrate(s.fx.dir, ['check', '--env', 'canary', '--json', '--samples', '1'], env);
    expect(check.code, check.stderr).toBe(0);
    const containers = JSON.parse(check.stdout).environment.containers as Array<{ service: string; pointsAt: string; containers: unknown[] }>;
    expect(containers.map((c) => [c.service, c.pointsAt, c.containers.length])).toEqual([
      ['app', 'legacy', 1],
      ['worker', 'none', 0],
    ]);
    expectNoKeys(status.stdout, status.stderr, check.stdout, check.stderr);
  }, 90_000);
});
