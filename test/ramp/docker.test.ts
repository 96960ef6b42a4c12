// The env driver with real docker compose: each stage recreates only the environment's services
// and the recreated container sees what the env file says; a failed gate restores the backup and
// recreates again; a cut-over leaves the app talking to target. Few stages: vfs recreates slowly.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { composeUp } from '../../src/core/compose/commands.js';
import { containerEnv, containerIds } from '../../src/core/compose/containers.js';
import { composeFixture, dockerAvailable, type ComposeFixture } from '../helpers/docker.js';
import type { FakeProvider } from '../helpers/fake-provider.js';
import { waitUntil } from '../helpers/wait.js';
import { backupCopy, configYaml, LEGACY_KEY, migrate, onCleanup, probeRamp, providers, readState, soakingAt, spawnMigrate, TARGET_KEY, waitForState } from './helpers.js';

const available = await dockerAvailable();

interface Stack {
  legacy: FakeProvider;
  target: FakeProvider;
  fx: ComposeFixture;
}

/** Fake providers, a compose project whose app and worker read .env.canary (legacy, weight 0), and migrate.yaml. */
async function stack(ramp: string[], cutover: string[] = []): Promise<Stack> {
  const { legacy, target } = await providers();
  const fx = await composeFixture({ OPENAI_BASE_URL: legacy.url, OPENAI_API_KEY: LEGACY_KEY, LLM_TARGET_WEIGHT: '0' });
  onCleanup(() => fx.down());
  const environments = ['  canary:', '    envFiles: [.env.canary]', `    compose: { files: [docker-compose.yml], services: [app], projectName: ${fx.projectName} }`, ...cutover];
  await fs.writeFile(path.join(fx.dir, 'migrate.yaml'), configYaml({ legacyUrl: legacy.url, targetUrl: target.url, environments, ramp }));
  await fx.mustRun(composeUp(fx.project, ['app', 'worker']));
  return { legacy, target, fx };
}

const CUTOVER = ['    cutover:', '      OPENAI_BASE_URL: ${TARGET_URL}', '      OPENAI_API_KEY: ${TARGET_KEY}'];

/** Chat requests carrying the key this provider accepts that arrived after `since`: after the CLI exits, only the app sends them. */
const appRequestsSince = (provider: FakeProvider, since: number) => provider.count((r) => r.path.endsWith('/chat/completions') && r.authorized && r.time > since);

describe.skipIf(!available)('ramp with the env driver and real docker compose', () => {
  it('recreates only app, whose container then sees LLM_TARGET_WEIGHT=25', async () => {
    const { legacy, fx } = await stack(probeRamp('25', '1s', '500ms'));
    const before = await containerIds(fx.project, ['app', 'worker']);

    const r = await migrate(fx.dir, ['ramp', '--env', 'canary']);

    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('the last stage is 25%');
    const after = await containerIds(fx.project, ['app', 'worker']);
    expect(after.worker).toEqual(before.worker);
    expect(after.app).toHaveLength(1);
    expect(after.app![0]).not.toBe(before.app![0]);
    expect(await containerEnv(after.app![0]!, process.env)).toMatchObject({ LLM_TARGET_WEIGHT: '25', OPENAI_BASE_URL: legacy.url });
    expect((await readState(fx.dir))?.status).toBe('completed');
  }, 60_000);

  it('a target failing at the second stage is rolled back by itself: backup restored, app recreated on legacy, worker untouched', async () => {
    const { legacy, target, fx } = await stack(probeRamp('25, 50, 100', '2s', '500ms'), CUTOVER);
    const original = await fs.readFile(fx.envFile);
    const before = await containerIds(fx.project, ['app', 'worker']);
    const ramp = spawnMigrate(fx.dir, ['ramp', '--env', 'canary'], { targetUrl: target.url });

    await waitForState(fx.dir, soakingAt(50), 40_000);
    target.setFaults({ error: { status: 503 } });
    const r = await ramp;
    const exitedAt = Date.now();

    expect(r.exitCode, String(r.stderr)).toBe(1);
    const state = await readState(fx.dir);
    expect(state).toMatchObject({ status: 'rolled-back', appliedWeight: 0 });
    expect(state?.reason).toMatch(/^stage 50%: error rate .* → rolling back$/);
    const file = await fs.readFile(fx.envFile);
    expect(file.equals(await backupCopy(fx.dir, state!.backupId!))).toBe(true);
    expect(file.equals(original)).toBe(true);
    const after = await containerIds(fx.project, ['app', 'worker']);
    expect(after.worker).toEqual(before.worker);
    expect(after.app).toHaveLength(1);
    expect(after.app![0]).not.toBe(before.app![0]);
    // Weight 0, not the 50 the stage wrote: this container was created after the restore.
    expect(await containerEnv(after.app![0]!, process.env)).toMatchObject({ LLM_TARGET_WEIGHT: '0', OPENAI_BASE_URL: legacy.url, OPENAI_API_KEY: LEGACY_KEY });
    await waitUntil('the recreated app to reach legacy', () => appRequestsSince(legacy, exitedAt) > 0, { timeoutMs: 5_000 });
  }, 60_000);

  it('a completed ramp with a cut-over leaves the env file on target and the recreated app talking to it', async () => {
    const { legacy, target, fx } = await stack(probeRamp('50, 100', '1s', '500ms'), CUTOVER);
    const before = await containerIds(fx.project, ['app', 'worker']);

    const r = await migrate(fx.dir, ['ramp', '--env', 'canary'], { targetUrl: target.url });
    const exitedAt = Date.now();

    expect(r.code, r.stderr).toBe(0);
    expect((await readState(fx.dir))?.status).toBe('completed');
    expect(await fs.readFile(fx.envFile, 'utf8')).toBe(`OPENAI_BASE_URL=${target.url}\nOPENAI_API_KEY=${TARGET_KEY}\nLLM_TARGET_WEIGHT=100\n`);
    const after = await containerIds(fx.project, ['app', 'worker']);
    expect(after.worker).toEqual(before.worker);
    expect(after.app).toHaveLength(1);
    expect(await containerEnv(after.app![0]!, process.env)).toMatchObject({ LLM_TARGET_WEIGHT: '100', OPENAI_BASE_URL: target.url, OPENAI_API_KEY: TARGET_KEY });
    await waitUntil('the recreated app to reach target with its key', () => appRequestsSince(target, exitedAt) > 0, { timeoutMs: 5_000 });
    expect(legacy.count((req) => req.time > exitedAt)).toBe(0);
  }, 60_000);
});
