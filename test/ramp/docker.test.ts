// The env driver with real docker compose: a stage recreates only the environment's services,
// and the recreated container sees the weight. One stage, so one recreation (vfs is slow).
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeUp, containerEnv, containerIds } from '../../src/core/compose/index.js';
import { composeFixture, dockerAvailable, type ComposeFixture } from '../helpers/docker.js';
import { startFakeProvider, type FakeProvider } from '../helpers/fake-provider.js';
import { configYaml, LEGACY_KEY, migrate, probeRamp, readState, TARGET_KEY } from './helpers.js';

const available = await dockerAvailable();

describe.skipIf(!available)('ramp with the env driver and real docker compose', () => {
  let legacy: FakeProvider;
  let target: FakeProvider;
  let fx: ComposeFixture;

  beforeAll(async () => {
    legacy = await startFakeProvider({ name: 'legacy', apiKey: LEGACY_KEY });
    target = await startFakeProvider({ name: 'target', apiKey: TARGET_KEY });
    fx = await composeFixture({ OPENAI_BASE_URL: legacy.url, OPENAI_API_KEY: LEGACY_KEY, LLM_TARGET_WEIGHT: '0' });
    const environments = ['  canary:', '    envFiles: [.env.canary]', `    compose: { files: [docker-compose.yml], services: [app], projectName: ${fx.projectName} }`];
    await fs.writeFile(path.join(fx.dir, 'migrate.yaml'), configYaml({ legacyUrl: legacy.url, targetUrl: target.url, environments, ramp: probeRamp('25', '1s', '500ms') }));
    await fx.mustRun(composeUp(fx.project, ['app', 'worker']));
  }, 180_000);

  afterAll(async () => {
    await fx?.down();
    await legacy?.close();
    await target?.close();
  });

  it('recreates only app, whose container then sees LLM_TARGET_WEIGHT=25', async () => {
    const before = await containerIds(fx.project, ['app', 'worker']);

    const r = await migrate(fx.dir, ['ramp', '--env', 'canary']);

    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('the last stage is 25%');
    const after = await containerIds(fx.project, ['app', 'worker']);
    expect(after.worker).toEqual(before.worker);
    expect(after.app).toHaveLength(1);
    expect(after.app![0]).not.toBe(before.app![0]);
    expect(await containerEnv(after.app![0]!)).toMatchObject({ LLM_TARGET_WEIGHT: '25', OPENAI_BASE_URL: legacy.url });
    expect((await readState(fx.dir))?.status).toBe('completed');
  }, 180_000);
});
