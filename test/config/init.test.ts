import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { planConfig } from '../../src/core/config/init/plan.js';
import { readComposeFile, readEnvFile } from '../../src/core/config/init/scan.js';
import { renderConfig } from '../../src/core/config/init/render.js';
import { renderMigrateEnv } from '../../src/core/config/init/migrate-env.js';

const COMPOSE = `services:
  api: { image: app, env_file: .env.canary }
  worker: { image: app, env_file: [{ path: ./.env.canary, required: false }] }
  web: { image: app, env_file: [.env.production] }
`;

describe('init plan', () => {
  it('maps env files to environments and finds their services through env_file', () => {
    const plan = planConfig({
      envFiles: [
        readEnvFile('.env.canary', 'OPENAI_API_BASE=https://api.openai.com/v1\nOPENAI_API_KEY=sk-a\nCHAT_MODEL=gpt-4.1-mini\n'),
        readEnvFile('.env.production', 'OPENAI_API_KEY=sk-b\n'),
        readEnvFile('.env.tools', 'DEBUG=1\n'),
      ],
      composeFiles: [readComposeFile('docker-compose.yml', COMPOSE), readComposeFile('docker-compose.production.yml', 'services:\n  web: {}\n')],
    });
    expect(plan.environments.map((e) => [e.name, e.envFile, e.compose?.files, e.compose?.services])).toEqual([
      ['canary', '.env.canary', ['docker-compose.yml'], ['api', 'worker']],
      ['production', '.env.production', ['docker-compose.yml', 'docker-compose.production.yml'], ['web']],
    ]);
    expect(plan.environments[0]!.cutover).toEqual({ OPENAI_API_BASE: '${TARGET_BASE_URL}', OPENAI_API_KEY: '${TARGET_API_KEY}' });
    expect(plan.environments[0]!.modelVariables).toEqual(['CHAT_MODEL']);
    // The legacy provider is read from .env.migrate, never from an env file the cut-over rewrites.
    expect(plan.legacy).toMatchObject({ baseUrl: '${LEGACY_BASE_URL}', apiKey: '${LEGACY_API_KEY}' });
    expect(plan.migrateEnv).toMatchObject({ LEGACY_BASE_URL: 'https://api.openai.com/v1', LEGACY_API_KEY: 'sk-a', TARGET_BASE_URL: '', TARGET_API_KEY: '' });
    expect(plan.target).toMatchObject({ baseUrl: '${TARGET_BASE_URL}', apiKey: '${TARGET_API_KEY}', guessed: true });
    expect(plan.models).toEqual(['gpt-4.1-mini']);
  });

  it('copies a NAME_BASE_URL + NAME_API_KEY pair of a new provider into TARGET_*, and names no services when none reads the variables', () => {
    const plan = planConfig({
      envFiles: [readEnvFile('.env', 'OPENAI_API_KEY=sk-a\nHOLYSHEEP_BASE_URL=https://hs/v1\nHOLYSHEEP_API_KEY=hs-b\n')],
      composeFiles: [readComposeFile('compose.yaml', 'services:\n  app: {}\n  db: {}\n')],
    });
    expect(plan.target).toMatchObject({ baseUrl: '${TARGET_BASE_URL}', apiKey: '${TARGET_API_KEY}', guessed: false });
    expect(plan.migrateEnv).toEqual({ LEGACY_BASE_URL: 'https://api.openai.com/v1', LEGACY_API_KEY: 'sk-a', TARGET_BASE_URL: 'https://hs/v1', TARGET_API_KEY: 'hs-b' });
    expect(plan.environments).toEqual([
      {
        name: 'default',
        envFile: '.env',
        compose: { files: ['compose.yaml'], services: [], matched: false, explicit: false, all: ['app', 'db'] },
        cutover: { OPENAI_BASE_URL: '${TARGET_BASE_URL}', OPENAI_API_KEY: '${TARGET_API_KEY}' },
        modelVariables: [],
      },
    ]);
    const doc = parse(renderConfig(plan));
    // Another part derives the consumers when services are left out; the file says which exist.
    expect(doc.environments.default.compose).toEqual({ files: ['compose.yaml'] });
    expect(renderConfig(plan)).toContain('# services: [app, db]');
  });

  it('leaves compose.services out (the compose model derives the readers) unless a person chose another set', () => {
    const scan = { envFiles: [readEnvFile('.env.canary', 'OPENAI_API_KEY=sk-a\n')], composeFiles: [readComposeFile('docker-compose.yml', COMPOSE)] };
    const detected = renderConfig(planConfig(scan));
    expect(parse(detected).environments.canary.compose).toEqual({ files: ['docker-compose.yml'] });
    expect(detected).toContain('      # services: [api, worker]  # these read the variables below.');
    // Accepting the detected set at the prompt is the same as --yes.
    expect(renderConfig(planConfig(scan, { services: ['worker', 'api'] }))).toBe(detected);
    const narrowed = parse(renderConfig(planConfig(scan, { services: ['api'] })));
    expect(narrowed.environments.canary.compose).toEqual({ files: ['docker-compose.yml'], services: ['api'] });
  });

  it('rates an env_file reader low when its name or image is well-known infrastructure, and says why', () => {
    const compose = `services:
  store: { image: "quay.io/minio/minio:RELEASE.2024", env_file: .env }
  app: { image: "ghcr.io/lobehub/lobe-chat-database", env_file: .env }
  redis: { env_file: .env }
`;
    const plan = planConfig({ envFiles: [readEnvFile('.env', 'OPENAI_API_KEY=sk-a\n')], composeFiles: [readComposeFile('compose.yaml', compose)] });
    const rows = Object.fromEntries(plan.findings.filter((f) => f.kind === 'service').map((f) => [f.service, [f.confidence, f.reason]]));
    expect(rows.store).toEqual(['low', 'reads all of .env (env_file, compose.yaml:2): holds the key, but minio is no LLM caller; recreated with .env all the same']);
    expect(rows.redis).toEqual(['low', expect.stringContaining('but redis is no LLM caller')]);
    expect(rows.app).toEqual(['high', 'reads all of .env (env_file, compose.yaml:3)']);
  });

  it('renders YAML with references only; the key goes to .env.migrate alone', () => {
    const plan = planConfig({ envFiles: [readEnvFile('.env.canary', 'OPENAI_API_KEY=sk-secret-value-123456\n')], composeFiles: [] });
    const text = renderConfig(plan);
    expect(text).not.toContain('sk-secret-value-123456');
    expect(parse(text)).toMatchObject({
      providers: { legacy: { apiKey: '${LEGACY_API_KEY}' }, target: { apiKey: '${TARGET_API_KEY}' } },
      environments: { canary: { envFiles: ['.env.canary'] } },
    });
    expect(renderMigrateEnv(plan)).toContain('LEGACY_API_KEY=sk-secret-value-123456\n');
    // Unknown values are commented examples, never `NAME=` (an empty value would hide NAME set elsewhere).
    expect(renderMigrateEnv(plan)).toMatch(/^# TARGET_BASE_URL=https:\/\/\S+\n# TARGET_API_KEY=\S+\n$/m);
    expect(renderMigrateEnv(plan)).not.toMatch(/^TARGET_\w+=/m);
    for (const f of plan.findings) expect(JSON.stringify(f)).not.toContain('sk-secret-value-123456');
  });

  it('never copies a base URL carrying credentials (user:pass@ or a query) into migrate.yaml', () => {
    for (const url of ['https://bob:hunter2pass@relay.example/v1', 'https://relay.example/v1?api-key=sk-querysecret123456']) {
      const plan = planConfig({ envFiles: [readEnvFile('.env.production', `OPENAI_BASE_URL=${url}\nOPENAI_API_KEY=sk-a\n`)], composeFiles: [] });
      const text = renderConfig(plan);
      expect(text).not.toContain('hunter2pass');
      expect(text).not.toContain('querysecret');
      expect(parse(text).providers.legacy.baseUrl).toBe('${LEGACY_BASE_URL}');
      expect(plan.migrateEnv.LEGACY_BASE_URL).toBe(url);
    }
  });

  it('writes a template with no environments when nothing is found', () => {
    const plan = planConfig({ envFiles: [], composeFiles: [] });
    const doc = parse(renderConfig(plan));
    expect(doc.environments).toEqual({});
    expect(doc.providers.legacy.baseUrl).toBe('${LEGACY_BASE_URL}');
    expect(plan.migrateEnv.LEGACY_BASE_URL).toBe('https://api.openai.com/v1');
  });

  it('prefers an OpenAI name over the first *_BASE_URL, and skips Ollama with the reason', () => {
    const plan = planConfig({
      envFiles: [readEnvFile('.env', 'OLLAMA_BASE_URL=http://ollama:11434\nOPENAI_API_BASE_URL=https://api.openai.com/v1\nOPENAI_API_KEY=sk-a\n')],
      composeFiles: [],
    });
    expect(plan.environments[0]!.cutover).toEqual({ OPENAI_API_BASE_URL: '${TARGET_BASE_URL}', OPENAI_API_KEY: '${TARGET_API_KEY}' });
    expect(plan.findings.find((f) => f.variable === 'OLLAMA_BASE_URL')).toMatchObject({ kind: 'skipped', at: '.env:1', reason: expect.stringContaining('OLLAMA') });
  });

  it('says when the chosen variable is a literal in compose environment:, which env files cannot change', () => {
    const plan = planConfig({
      envFiles: [readEnvFile('.env', 'OPENAI_API_KEY=sk-a\n')],
      composeFiles: [
        readComposeFile('docker-compose.yml', 'services:\n  app:\n    env_file: .env\n    environment:\n      OPENAI_BASE_URL: https://api.openai.com/v1\n  db: {}\n'),
      ],
    });
    expect(plan.chosen?.url?.name).toBe('OPENAI_BASE_URL');
    expect(plan.findings).toContainEqual(
      expect.objectContaining({
        kind: 'warning',
        variable: 'OPENAI_BASE_URL',
        service: 'app',
        at: 'docker-compose.yml:5',
        reason: expect.stringContaining('env files cannot change'),
      }),
    );
    expect(plan.environments[0]!.compose?.services).toEqual(['app']);
  });
});
