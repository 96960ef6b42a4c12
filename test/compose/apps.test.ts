// End to end with real docker-compose v1 on layouts modeled on real apps (fixtures/apps/compose-*):
// with no compose.services in migrate.yaml, a ramp or a rollback recreates every service that
// reads the changed .env (env_file, single-file bind mount, ${VAR} substitution) and leaves the
// rest running; a compose setup the configured compose cannot run is refused before anything changes.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { containerEnv } from '../../src/core/compose/containers.js';
import { appFixture, type AppFixture } from '../helpers/apps.js';
import { dockerAvailable } from '../helpers/docker.js';
import { configYaml, LEGACY_KEY, migrate, onCleanup, probeRamp, providers, readState, TARGET_KEY } from '../ramp/helpers.js';

const available = await dockerAvailable();

async function app(name: string, env: Record<string, string>, compose: string, cutover: Record<string, string>, targetUrl: string, legacyUrl: string): Promise<AppFixture> {
  const fx = await appFixture(name, env);
  onCleanup(() => fx.down());
  const environments = [
    '  prod:',
    '    envFiles: [.env]',
    `    compose: { files: [docker-compose.yml], projectName: ${fx.projectName}${compose} }`,
    '    confirm: false',
    '    cutover:',
    ...Object.entries(cutover).map(([k, v]) => `      ${k}: ${v}`),
  ];
  await fs.writeFile(path.join(fx.dir, 'migrate.yaml'), configYaml({ legacyUrl, targetUrl, environments, ramp: probeRamp('50, 100', '1s', '500ms') }));
  return fx;
}

/** What must not move when migrate refuses: the env file's bytes, inode and mode, and no backup taken. */
async function snapshot(fx: AppFixture) {
  const st = await fs.stat(fx.envFile);
  const backups = await fs.readdir(path.join(fx.dir, '.migrate', 'backups')).catch(() => []);
  return { content: await fs.readFile(fx.envFile, 'utf8'), ino: st.ino, mode: st.mode, backups };
}

describe.skipIf(!available)('compose consumers with real docker compose', () => {
  it('LibreChat: a ramp to 100 % recreates api (./.env:/app/.env only) and rag_api (env_file), which then read target; mongodb keeps its container', async () => {
    const { legacy, target } = await providers();
    const CUTOVER = { OPENAI_BASE_URL: '${TARGET_URL}', OPENAI_API_KEY: '${TARGET_KEY}' };
    const fx = await app('compose-librechat', { OPENAI_BASE_URL: legacy.url, OPENAI_API_KEY: LEGACY_KEY, LLM_TARGET_WEIGHT: '0' }, '', CUTOVER, target.url, legacy.url);
    await fx.up();
    const before = await fx.ids();

    const r = await migrate(fx.dir, ['ramp', '--env', 'prod'], { targetUrl: target.url });

    expect(r.code, r.stderr).toBe(0);
    expect((await readState(fx.dir, 'prod'))?.status).toBe('completed');
    const after = await fx.ids();
    expect(after.mongodb).toBe(before.mongodb);
    expect(after.api).not.toBe(before.api);
    expect(after.rag_api).not.toBe(before.rag_api);
    // The container sees the file written by rename: a container left on the old inode would still say legacy.
    const seen = await fx.catIn('api', '/app/.env');
    expect(seen).toContain(`OPENAI_BASE_URL=${target.url}`);
    expect(seen).not.toContain(legacy.url);
    expect(await containerEnv(after.rag_api!, process.env)).toMatchObject({ OPENAI_BASE_URL: target.url, OPENAI_API_KEY: TARGET_KEY, LLM_TARGET_WEIGHT: '100' });
    expect(r.stdout + r.stderr).not.toContain(TARGET_KEY);
  }, 90_000);

  it('Open WebUI: a rollback recreates open-webui, whose ${OPENAI_API_BASE_URL} is legacy again; ollama keeps its container', async () => {
    const { legacy, target } = await providers();
    const CUTOVER = { OPENAI_API_BASE_URL: '${TARGET_URL}', OPENAI_API_KEY: '${TARGET_KEY}' };
    const fx = await app('compose-open-webui', { OPENAI_API_BASE_URL: legacy.url, OPENAI_API_KEY: LEGACY_KEY }, ', healthTimeout: 30s', CUTOVER, target.url, legacy.url);
    expect((await migrate(fx.dir, ['backup', '--env', 'prod'])).code).toBe(0);
    await fs.writeFile(fx.envFile, `OPENAI_API_BASE_URL=${target.url}\nOPENAI_API_KEY=${TARGET_KEY}\n`); // as a cut-over leaves it
    await fx.up();
    const before = await fx.ids();
    expect(await containerEnv(before['open-webui']!, process.env)).toMatchObject({ OPENAI_API_BASE_URL: target.url });

    const r = await migrate(fx.dir, ['rollback', '--env', 'prod', '--yes'], { targetUrl: target.url });

    expect(r.code, r.stderr).toBe(0);
    const after = await fx.ids();
    expect(after.ollama).toBe(before.ollama);
    expect(after['open-webui']).not.toBe(before['open-webui']);
    expect(await containerEnv(after['open-webui']!, process.env)).toMatchObject({ OPENAI_API_BASE_URL: legacy.url, OPENAI_API_KEY: LEGACY_KEY });
    expect(r.stderr).toContain('recreating open-webui');
  }, 90_000);

  it('Open WebUI: a ramp through 50 % completes although open-webui never sees LLM_TARGET_WEIGHT (it takes only ${OPENAI_API_BASE_URL} from .env); at 100 % it holds the target pair', async () => {
    const { legacy, target } = await providers();
    const CUTOVER = { OPENAI_API_BASE_URL: '${TARGET_URL}', OPENAI_API_KEY: '${TARGET_KEY}' };
    const fx = await app('compose-open-webui', { OPENAI_API_BASE_URL: legacy.url, OPENAI_API_KEY: LEGACY_KEY }, ', healthTimeout: 30s', CUTOVER, target.url, legacy.url);
    await fx.up();

    const r = await migrate(fx.dir, ['ramp', '--env', 'prod'], { targetUrl: target.url });

    expect(r.code, r.stderr).toBe(0);
    expect((await readState(fx.dir, 'prod'))?.status).toBe('completed');
    expect(r.stderr).not.toContain('LLM_TARGET_WEIGHT is not set');
    const seen = await containerEnv((await fx.ids())['open-webui']!, process.env);
    expect(seen).toMatchObject({ OPENAI_API_BASE_URL: target.url, OPENAI_API_KEY: TARGET_KEY });
    expect(seen).not.toHaveProperty('LLM_TARGET_WEIGHT');
    expect(await fs.readFile(fx.envFile, 'utf8')).toContain('LLM_TARGET_WEIGHT=100');
  }, 90_000);

  it("a top-level `name:` under Compose v1: ramp, rollback --dry-run, rollback and check --env exit 2 with compose's error line; nothing changed, no backup taken", async () => {
    const { legacy, target } = await providers();
    const fx = await app('compose-librechat', { OPENAI_BASE_URL: legacy.url, OPENAI_API_KEY: LEGACY_KEY }, '', { OPENAI_BASE_URL: '${TARGET_URL}' }, target.url, legacy.url);
    const file = path.join(fx.dir, 'docker-compose.yml');
    await fs.writeFile(file, `name: librechat\n${await fs.readFile(file, 'utf8')}`);
    const line = "error: docker-compose cannot use docker-compose.yml: 'name' does not match any of the regexes: '^x-'";

    const before = await snapshot(fx);
    const ramp = await migrate(fx.dir, ['ramp', '--env', 'prod'], { targetUrl: target.url });
    expect(ramp.code, ramp.stderr).toBe(2);
    expect(ramp.stderr).toContain(line);
    expect(ramp.stderr).toContain('Compose v1 has no top-level `name:`');
    expect(await snapshot(fx)).toEqual(before);
    expect(before.backups).toEqual([]);
    expect(await readState(fx.dir, 'prod')).toBeUndefined();

    const check = await migrate(fx.dir, ['check', '--env', 'prod'], { targetUrl: target.url });
    expect(check.code, check.stderr).toBe(2);
    expect(check.stderr).toContain(line);
    expect(legacy.count() + target.count()).toBe(0); // refused before probing anything

    expect((await migrate(fx.dir, ['backup', '--env', 'prod'])).code).toBe(0);
    await fs.writeFile(fx.envFile, `OPENAI_BASE_URL=${target.url}\n`);
    const pointed = await snapshot(fx);
    for (const args of [['--dry-run'], ['--yes']]) {
      const r = await migrate(fx.dir, ['rollback', '--env', 'prod', ...args], { targetUrl: target.url });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(line);
      expect(r.stderr).not.toContain('traffic may still be on target');
      expect(await snapshot(fx)).toEqual(pointed);
    }
  }, 90_000);

  it("a service in compose.services that the compose files do not define: exit 2 naming migrate.yaml's line, the service and the ones that exist", async () => {
    const { legacy, target } = await providers();
    const fx = await app('compose-librechat', { OPENAI_BASE_URL: legacy.url }, ', services: [api, mongo-db]', { OPENAI_BASE_URL: '${TARGET_URL}' }, target.url, legacy.url);
    const before = await snapshot(fx);
    for (const args of [
      ['ramp', '--env', 'prod'],
      ['check', '--env', 'prod'],
      ['config', '--env', 'prod'],
    ]) {
      const r = await migrate(fx.dir, args, { targetUrl: target.url });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr.split('\n')[0]).toMatch(
        /^error: migrate\.yaml:\d+ environments\.prod\.compose\.services\[1\]: no service "mongo-db" in docker-compose\.yml \(did you mean "mongodb"\?\)$/,
      );
      expect(r.stderr).toContain('hint: docker-compose.yml defines: api, mongodb, rag_api; nothing was changed');
    }
    expect(await snapshot(fx)).toEqual(before);
  }, 60_000);

  it("compose's error line quoting a key written into the compose file is redacted", async () => {
    const { legacy, target } = await providers();
    const fx = await app('compose-anythingllm', { GENERIC_OPEN_AI_BASE_PATH: legacy.url }, '', { GENERIC_OPEN_AI_BASE_PATH: '${TARGET_URL}' }, target.url, legacy.url);
    const file = path.join(fx.dir, 'docker-compose.yml');
    await fs.writeFile(file, (await fs.readFile(file, 'utf8')).replace('- STORAGE_DIR=/app/server/storage', `- GENERIC_OPEN_AI_API_KEY=${LEGACY_KEY}\${`));
    const r = await migrate(fx.dir, ['check', '--env', 'prod'], { targetUrl: target.url });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('error: docker-compose cannot use docker-compose.yml: Invalid interpolation format for "environment" option in service "anything-llm"');
    expect(r.stderr).not.toContain(LEGACY_KEY);
  }, 30_000);

  it('compose.command: docker compose without the v2 plugin: ramp, check --env and rollback exit 2 saying so; nothing changed', async () => {
    const { legacy, target } = await providers();
    const fx = await app('compose-librechat', { OPENAI_BASE_URL: legacy.url }, ', command: docker compose', { OPENAI_BASE_URL: '${TARGET_URL}' }, target.url, legacy.url);
    expect((await migrate(fx.dir, ['backup', '--env', 'prod'])).code).toBe(0);
    await fs.writeFile(fx.envFile, `OPENAI_BASE_URL=${target.url}\n`);
    const before = await snapshot(fx);
    for (const args of [['ramp'], ['check'], ['rollback', '--yes']]) {
      const r = await migrate(fx.dir, [...args, '--env', 'prod'], { targetUrl: target.url });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain('error: docker compose (Compose v2) not found: install the Docker Compose plugin, or set compose.command: docker-compose in migrate.yaml');
    }
    expect(await snapshot(fx)).toEqual(before);
  }, 60_000);

  it('a compose.services list that leaves out a service reading the env file is warned about', async () => {
    const { legacy, target } = await providers();
    const fx = await app('compose-librechat', { OPENAI_BASE_URL: legacy.url }, ', services: [rag_api]', { OPENAI_BASE_URL: '${TARGET_URL}' }, target.url, legacy.url);
    const r = await migrate(fx.dir, ['config', '--env', 'prod'], { targetUrl: target.url });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      /migrate\.yaml:\d+ environments\.prod\.compose\.services leaves out api, which reads the env files: it keeps the old values until recreated; add it to compose\.alsoRecreate/,
    );
  }, 30_000);
});
