import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { planConfig, readComposeFile, readEnvFile, renderConfig } from '../../src/core/config/init/index.js';

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
    expect(plan.environments.map((e) => [e.name, e.envFile, e.compose])).toEqual([
      ['canary', '.env.canary', { files: ['docker-compose.yml'], services: ['api', 'worker'], matched: true }],
      ['production', '.env.production', { files: ['docker-compose.yml', 'docker-compose.production.yml'], services: ['web'], matched: true }],
    ]);
    expect(plan.environments[0]!.cutover).toEqual({ OPENAI_API_BASE: '${TARGET_BASE_URL}', OPENAI_API_KEY: '${TARGET_API_KEY}' });
    expect(plan.legacy).toMatchObject({ baseUrl: 'https://api.openai.com/v1', apiKey: '${OPENAI_API_KEY}' });
    expect(plan.target).toMatchObject({ baseUrl: '${TARGET_BASE_URL}', apiKey: '${TARGET_API_KEY}', guessed: true });
    expect(plan.models).toEqual(['gpt-4.1-mini']);
  });

  it('recognises the new provider from a NAME_BASE_URL + NAME_API_KEY pair, and takes all services when none name the file', () => {
    const plan = planConfig({
      envFiles: [readEnvFile('.env', 'OPENAI_API_KEY=sk-a\nHOLYSHEEP_BASE_URL=https://hs/v1\nHOLYSHEEP_API_KEY=hs-b\n')],
      composeFiles: [readComposeFile('compose.yaml', 'services:\n  app: {}\n  db: {}\n')],
    });
    expect(plan.target).toMatchObject({ baseUrl: '${HOLYSHEEP_BASE_URL}', apiKey: '${HOLYSHEEP_API_KEY}', guessed: false });
    expect(plan.environments).toEqual([
      {
        name: 'default',
        envFile: '.env',
        compose: { files: ['compose.yaml'], services: ['app', 'db'], matched: false },
        cutover: { OPENAI_BASE_URL: '${HOLYSHEEP_BASE_URL}', OPENAI_API_KEY: '${HOLYSHEEP_API_KEY}' },
      },
    ]);
  });

  it('renders YAML with references only, never a value read from an env file', () => {
    const text = renderConfig(
      planConfig({ envFiles: [readEnvFile('.env.canary', 'OPENAI_API_KEY=sk-secret-value-123456\n')], composeFiles: [] }),
    );
    expect(text).not.toContain('sk-secret-value-123456');
    expect(parse(text)).toMatchObject({
      providers: { legacy: { apiKey: '${OPENAI_API_KEY}' }, target: { apiKey: '${TARGET_API_KEY}' } },
      environments: { canary: { envFiles: ['.env.canary'] } },
    });
  });

  it('never copies a base URL carrying credentials (user:pass@ or a query) into migrate.yaml', () => {
    for (const url of ['https://bob:hunter2pass@relay.example/v1', 'https://relay.example/v1?api-key=sk-querysecret123456']) {
      const text = renderConfig(planConfig({ envFiles: [readEnvFile('.env.production', `OPENAI_BASE_URL=${url}\nOPENAI_API_KEY=sk-a\n`)], composeFiles: [] }));
      expect(text).not.toContain('hunter2pass');
      expect(text).not.toContain('querysecret');
      expect(parse(text).providers.legacy.baseUrl).toBe('${OPENAI_BASE_URL}');
      expect(text).not.toContain('differs between env files'); // there is only one
    }
  });

  it('writes a template with no environments when nothing is found', () => {
    const doc = parse(renderConfig(planConfig({ envFiles: [], composeFiles: [] })));
    expect(doc.environments).toEqual({});
    expect(doc.providers.legacy.baseUrl).toBe('https://api.openai.com/v1');
  });
});
