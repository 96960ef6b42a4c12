import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeUp } from '../../src/core/compose/commands.js';
import { containerEnv, serviceContainers } from '../../src/core/compose/containers.js';
import { waitForServices } from '../../src/core/compose/wait.js';
import { composeFixture, dockerAvailable, type ComposeFixture } from '../helpers/docker.js';
import { startFakeProvider, type FakeProvider } from '../helpers/fake-provider.js';
import { waitUntil } from '../helpers/wait.js';
import { auditLines, migrate, stateText, type Project } from './cli.js';
import { KEYS } from './helpers.js';

// Docker tests may not skip in CI: dockerAvailable() throws there when docker is missing.
const available = await dockerAvailable();

describe.skipIf(!available)('migrate rollback against real docker', () => {
  let legacy: FakeProvider;
  let target: FakeProvider;
  let fx: ComposeFixture;
  let p: Project;
  const chats = (provider: FakeProvider) => provider.count({ path: '/v1/chat/completions', authorized: true });

  beforeAll(async () => {
    legacy = await startFakeProvider({ name: 'legacy', apiKey: KEYS.legacy });
    target = await startFakeProvider({ name: 'target', apiKey: KEYS.target });
    fx = await composeFixture({ OPENAI_BASE_URL: legacy.url, OPENAI_API_KEY: KEYS.legacy, LLM_TARGET_WEIGHT: '0' });
    const config = path.join(fx.dir, 'migrate.yaml');
    await fs.writeFile(
      config,
      [
        'version: 1',
        'providers:',
        `  legacy: { baseUrl: "${legacy.url}", apiKey: "\${OPENAI_API_KEY}" }`,
        `  target: { baseUrl: "${target.url}", apiKey: "\${TARGET_API_KEY}" }`,
        'models: [gpt-4.1]',
        'environments:',
        '  canary:',
        '    envFiles: [.env.canary]',
        `    compose: { files: [docker-compose.yml], services: [app], projectName: ${fx.projectName}, healthTimeout: 60s }`,
        '',
      ].join('\n'),
    );
    p = { dir: fx.dir, config, stateDir: path.join(fx.dir, '.migrate'), envFiles: [fx.envFile] };
    await fx.mustRun(composeUp(fx.project, ['app', 'worker']));
    await waitUntil('the app to reach legacy', () => chats(legacy) > 0, { timeoutMs: 60_000 });
  }, 120_000);

  afterAll(async () => {
    await fx?.down();
    await legacy?.close();
    await target?.close();
  });

  it('puts the app back on legacy: container env, traffic, worker untouched, exit 0, audited, no secrets', async () => {
    const backup = await migrate(p, ['backup', '--env', 'canary']);
    expect(backup.exitCode).toBe(0);
    const backupId = backup.stdout.trim();

    // The ramp's cut-over: the env file points at target and the app really talks to it.
    await fx.writeEnv({ OPENAI_BASE_URL: target.url, OPENAI_API_KEY: KEYS.target, LLM_TARGET_WEIGHT: '100' });
    await fx.mustRun(composeUp(fx.project, ['app']));
    expect((await waitForServices(fx.project, ['app'], { timeoutMs: 60_000 })).ready).toBe(true);
    await waitUntil('the app to reach target', () => chats(target) >= 3);
    const before = await serviceContainers(fx.project, ['app', 'worker']);
    const worker = before.find((c) => c.service === 'worker')!;
    const oldApp = before.find((c) => c.service === 'app')!;

    const since = Date.now();
    const r = await migrate(p, ['rollback', '--env', 'canary', '--yes', '--json']);
    expect(r.stderr).not.toContain('error:');
    expect(r.exitCode).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({
      ok: true,
      environment: 'canary',
      backup: { id: backupId },
      files: [{ path: '.env.canary', changedKeys: ['LLM_TARGET_WEIGHT', 'OPENAI_API_KEY', 'OPENAI_BASE_URL'], restored: true }],
      compose: { command: expect.stringMatching(new RegExp(`-p ${fx.projectName} up -d --no-deps --force-recreate app$`)), recreated: true },
      verify: { ok: true, provider: 'legacy' },
    });
    expect(doc.timings.composeMs).toBeGreaterThan(0);

    const after = await serviceContainers(fx.project, ['app', 'worker']);
    const newApp = after.find((c) => c.service === 'app')!;
    expect(newApp.id).not.toBe(oldApp.id);
    expect(newApp.status).toBe('running');
    expect(await containerEnv(newApp.id, process.env)).toMatchObject({ OPENAI_BASE_URL: legacy.url, OPENAI_API_KEY: KEYS.legacy, LLM_TARGET_WEIGHT: '0' });
    expect(after.find((c) => c.service === 'worker')).toMatchObject({ id: worker.id, startedAt: worker.startedAt, status: 'running' });

    // The pair the container holds was probed once, while compose was still recreating (the app
    // sends no GET /models): verification after it only read the container, at no extra request.
    const probes = legacy.requests.filter((q) => q.path === '/v1/models' && q.time >= since);
    expect(probes).toHaveLength(1);
    expect(probes[0]!.authorized).toBe(true);
    expect(probes[0]!.time).toBeLessThan(Date.parse(newApp.startedAt));

    // Traffic is back: the app's own requests reach legacy again and the target's count stops growing.
    legacy.resetCounts();
    await waitUntil('the app to reach legacy again', () => chats(legacy) >= 3);
    const targetNow = chats(target);
    await new Promise((r) => setTimeout(r, 1000));
    expect(chats(target)).toBe(targetNow);

    expect((await auditLines(p)).at(-1)).toMatchObject({ command: 'rollback', environment: 'canary', result: 'ok', details: expect.objectContaining({ backup: backupId }) });
    const manifest = await fs.readFile(path.join(p.stateDir, 'backups', backupId, 'manifest.json'), 'utf8');
    for (const text of [r.stdout, r.stderr, await stateText(p), manifest]) for (const key of Object.values(KEYS)) expect(text).not.toContain(key);
  }, 180_000);
});
