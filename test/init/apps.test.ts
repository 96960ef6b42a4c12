import { cpSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../src/core/config/load.js';
import { parse as parseEnv, print } from '../../src/core/envfile/parse.js';
import { setKeys } from '../../src/core/envfile/edit.js';
import { onCleanup, ROOT, runCli, tempProject } from '../helpers/cli.js';
import { startFakeProvider } from '../helpers/fake-provider.js';

// `migrate init --yes` on copies of fixtures/apps/<app>, written from the public compose and
// .env.example files of real self-hosted LLM apps (fixtures/apps/README.md names each source).

const TARGET = { TARGET_BASE_URL: 'https://target.example/v1', TARGET_API_KEY: 'sk-target-fedcba9876543210fedcba98765432' };

function appCopy(app: string): string {
  const dir = tempProject(`migrate-init-${app}-`);
  cpSync(path.join(ROOT, 'fixtures/apps', app), dir, { recursive: true });
  return dir;
}

function migrate(cwd: string, args: string[]) {
  return runCli(args, { cwd });
}

const read = (dir: string, file: string) => readFileSync(path.join(dir, file), 'utf8');
const envValue = (dir: string, file: string, key: string) =>
  (parseEnv(read(dir, file)).entries.find((e) => e.kind === 'assignment' && e.key === key) as { value?: string } | undefined)?.value;

/** A findings row: `found  name  where  confidence  why…`. */
function row(stderr: string, kind: string, name: string): string {
  const line = stderr.split('\n').find((l) => new RegExp(`^${kind}\\s+${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s`).test(l));
  expect(line, `no "${kind} ${name}" row in:\n${stderr}`).toBeDefined();
  return line!;
}

/** Edit an env file as a person (or the cut-over) would, keeping the rest byte for byte. */
function setEnv(dir: string, file: string, values: Record<string, string>): void {
  writeFileSync(path.join(dir, file), print(setKeys(parseEnv(read(dir, file)), values)));
}

interface Expected {
  url: string;
  key: string;
  legacyUrl: string;
  services: string[];
  models: string[];
  skipped: string[];
}

/**
 * The shared checks: init exits 0, says what it chose and why, writes migrate.yaml with
 * ${LEGACY_*}/${TARGET_*} and .env.migrate 0600 holding the app's legacy key; the config loads
 * once TARGET_* are filled, and still reaches legacy after the cut-over rewrote the app's .env.
 */
async function initApp(app: string, want: Expected) {
  const dir = appCopy(app);
  const legacyKey = envValue(dir, '.env', want.key)!;
  const result = await migrate(dir, ['init', '--yes']);
  expect(result.exitCode, result.stderr).toBe(0);
  expect(row(result.stderr, 'base URL', want.url)).toMatch(/\.env:\d+\s+high\s/);
  expect(row(result.stderr, 'API key', want.key)).toMatch(/\.env:\d+\s+high\s/);
  for (const s of want.services) expect(row(result.stderr, 'service', s)).toMatch(/docker-compose\.yml:\d+\s+(high|low)\s+(interpolates|reads all of|bind-mounts|sets)\s/);
  for (const m of want.models) row(result.stderr, 'model', m);
  for (const s of want.skipped) row(result.stderr, 'skipped', s);
  expect(result.stdout + result.stderr).not.toContain(legacyKey);

  const yaml = parse(read(dir, 'migrate.yaml'));
  expect(yaml.providers).toMatchObject({
    legacy: { baseUrl: '${LEGACY_BASE_URL}', apiKey: '${LEGACY_API_KEY}' },
    target: { baseUrl: '${TARGET_BASE_URL}', apiKey: '${TARGET_API_KEY}' },
  });
  expect(yaml.environments.default).toMatchObject({
    envFiles: ['.env'],
    compose: { files: ['docker-compose.yml'] },
    cutover: { [want.url]: '${TARGET_BASE_URL}', [want.key]: '${TARGET_API_KEY}' },
    modelVariables: want.models,
  });
  expect(read(dir, 'migrate.yaml')).not.toContain(legacyKey);
  // services is left out, so the compose model's derivation applies (every reader of .env is
  // recreated); what init found is written as a comment for a person to narrow with.
  expect(yaml.environments.default.compose).not.toHaveProperty('services');
  expect(read(dir, 'migrate.yaml')).toContain(`      # services: [${want.services.join(', ')}]  # these read the variables below.`);

  expect(statSync(path.join(dir, '.env.migrate')).mode & 0o777).toBe(0o600);
  expect(envValue(dir, '.env.migrate', 'LEGACY_API_KEY')).toBe(legacyKey);
  expect(envValue(dir, '.env.migrate', 'LEGACY_BASE_URL')).toBe(want.legacyUrl);
  // Not `TARGET_BASE_URL=`: an empty value would hide one set in the environment or in .env.
  expect(envValue(dir, '.env.migrate', 'TARGET_BASE_URL')).toBeUndefined();
  expect(read(dir, '.env.migrate')).toMatch(/^# TARGET_BASE_URL=https:\/\/.+\n# TARGET_API_KEY=.+\n$/m);

  setEnv(dir, '.env.migrate', TARGET);
  const loaded = await loadConfig({ cwd: dir, processEnv: {} });
  expect(loaded.config.providers.legacy).toMatchObject({ baseUrl: want.legacyUrl, apiKey: legacyKey });
  expect(loaded.config.providers.target).toMatchObject({ baseUrl: TARGET.TARGET_BASE_URL, apiKey: TARGET.TARGET_API_KEY });
  expect(loaded.warnings).toEqual([]);

  // What the cut-over writes at 100 %: the app's .env now names the target. A rollback loads the
  // config again and must still find the legacy key (it used to resolve to the target's).
  setEnv(dir, '.env', { [want.url]: TARGET.TARGET_BASE_URL, [want.key]: TARGET.TARGET_API_KEY });
  const after = await loadConfig({ cwd: dir, processEnv: {} });
  expect(after.config.providers.legacy).toMatchObject({ baseUrl: want.legacyUrl, apiKey: legacyKey });
  return { dir, result };
}

describe('migrate init on real self-hosted LLM apps', () => {
  it('Open WebUI: OPENAI_API_BASE_URL from .env through environment:, not OLLAMA_BASE_URL; only open-webui, not ollama or nginx', async () => {
    const { result } = await initApp('open-webui', {
      url: 'OPENAI_API_BASE_URL',
      key: 'OPENAI_API_KEY',
      legacyUrl: 'https://api.openai.com/v1',
      services: ['open-webui'],
      models: ['DEFAULT_MODELS'],
      skipped: ['OLLAMA_BASE_URL', 'ollama, nginx', 'RAG_OPENAI_API_BASE_URL'],
    });
    expect(row(result.stderr, 'base URL', 'OPENAI_API_BASE_URL')).toContain('Open WebUI reads it');
    expect(row(result.stderr, 'service', 'open-webui')).toMatch(
      /\s+high\s+interpolates \$\{OPENAI_API_BASE_URL\} in environment: OPENAI_API_BASE_URL \(docker-compose\.yml:\d+\), filled from \.env$/,
    );
    expect(row(result.stderr, 'skipped', 'OLLAMA_BASE_URL')).toContain('another provider or service (OLLAMA)');
    // A literal in compose environment: is something env files cannot change: said so.
    expect(row(result.stderr, 'skipped', 'RAG_OPENAI_API_BASE_URL')).toContain('set only in docker-compose.yml environment: with a literal value');
  });

  it('LibreChat: OPENAI_REVERSE_PROXY is the cut-over key; api reads .env through its bind mount, rag_api through env_file', async () => {
    const { dir, result } = await initApp('librechat', {
      url: 'OPENAI_REVERSE_PROXY',
      key: 'OPENAI_API_KEY',
      legacyUrl: 'https://relay.legacy.example/v1',
      services: ['api', 'rag_api'],
      models: ['OPENAI_MODELS', 'OPENAI_TITLE_MODEL'],
      skipped: ['mongodb, meilisearch, vectordb', 'ANTHROPIC_MODELS', 'AZURE_OPENAI_MODELS'],
    });
    expect(row(result.stderr, 'service', 'api')).toMatch(/\s+high\s+bind-mounts \.env into the container/);
    expect(row(result.stderr, 'service', 'rag_api')).toMatch(/\s+high\s+reads all of \.env \(env_file, docker-compose\.yml:\d+\)$/);
    expect(result.stderr).not.toMatch(/^base URL\s+OPENAI_BASE_URL/m);
    expect(result.stderr).not.toContain('sk-ant-librechat');
    // .gitignore and .dockerignore get one line each; the rest is kept as it was.
    expect(read(dir, '.gitignore')).toBe('.env\nimages/\ndata-node/\n.env.migrate\n');
    expect(read(dir, '.dockerignore')).toBe('node_modules\n.env\n.env.migrate\n');
    expect(parse(read(dir, 'migrate.yaml')).models).toEqual(['gpt-4o', 'gpt-4o-mini']);
  });

  it('AnythingLLM: LLM_PROVIDER=generic-openai selects GENERIC_OPEN_AI_BASE_PATH/_API_KEY/_MODEL_PREF over Ollama, embeddings and Chroma', async () => {
    const { result } = await initApp('anything-llm', {
      url: 'GENERIC_OPEN_AI_BASE_PATH',
      key: 'GENERIC_OPEN_AI_API_KEY',
      legacyUrl: 'https://relay.legacy.example/v1',
      services: ['anything-llm'],
      models: ['GENERIC_OPEN_AI_MODEL_PREF'],
      skipped: ['chroma', 'OLLAMA_BASE_PATH', 'EMBEDDING_BASE_PATH', 'CHROMA_ENDPOINT', 'EMBEDDING_MODEL_PREF', 'OLLAMA_MODEL_PREF', 'OPEN_MODEL_PREF'],
    });
    expect(row(result.stderr, 'base URL', 'GENERIC_OPEN_AI_BASE_PATH')).toContain('LLM_PROVIDER=generic-openai (.env:17) selects it');
  });

  it('LobeChat: OPENAI_PROXY_URL and OPENAI_MODEL_LIST; every service with env_file .env, never postgresql', async () => {
    const { dir, result } = await initApp('lobe-chat', {
      url: 'OPENAI_PROXY_URL',
      key: 'OPENAI_API_KEY',
      legacyUrl: 'https://relay.legacy.example/v1',
      // MinIO, Casdoor and SearXNG read the same .env through env_file, so they see the key too.
      services: ['minio', 'casdoor', 'searxng', 'lobe'],
      models: ['OPENAI_MODEL_LIST'],
      skipped: ['network-service, postgresql', 'ANTHROPIC_PROXY_URL', 'OLLAMA_PROXY_URL', 'S3_ENDPOINT'],
    });
    // They hold the key, so they are listed (and recreated), but rated low and said to be no LLM caller.
    for (const s of ['minio', 'casdoor', 'searxng'])
      expect(row(result.stderr, 'service', s)).toMatch(
        new RegExp(`\\s+low\\s+reads all of \\.env \\(env_file, docker-compose\\.yml:\\d+\\): holds the key, but ${s} is no LLM caller`),
      );
    expect(row(result.stderr, 'service', 'lobe')).toMatch(/\s+high\s+reads all of \.env \(env_file/);
    // "-all,+gpt-4o=GPT-4o<128000:vision:fc>,+gpt-4o-mini" names two models.
    expect(parse(read(dir, 'migrate.yaml')).models).toEqual(['gpt-4o', 'gpt-4o-mini']);
  });

  it('big-AGI: OPENAI_API_HOST holding a bare host becomes the https /v1 base URL that answers, and says so; Azure is passed over as not OpenAI-compatible', async () => {
    // The app adds /v1 itself; migrate's own requests (check, validate, verification) go to the base URL as written.
    const { result } = await initApp('big-agi', {
      url: 'OPENAI_API_HOST',
      key: 'OPENAI_API_KEY',
      legacyUrl: 'https://relay.legacy.example/v1',
      services: ['big-agi'],
      models: [],
      skipped: ['browserless', 'AZURE_OPENAI_API_ENDPOINT', 'LOCALAI_API_HOST', 'OLLAMA_API_HOST'],
    });
    expect(row(result.stderr, 'base URL', 'OPENAI_API_HOST')).toContain('holds a host, not a URL: the app adds /v1 itself, so LEGACY_BASE_URL is https://relay.legacy.example/v1');
    expect(row(result.stderr, 'skipped', 'AZURE_OPENAI_API_ENDPOINT')).toContain('Azure OpenAI');
  });

  it('big-AGI: the legacy base URL init writes is the one that answers: `check --provider legacy` reaches /v1/models and a chat on the fake provider', async () => {
    const legacy = await startFakeProvider({ name: 'legacy', apiKey: 'sk-bigagi-legacy-0123456789abcdef01234567' });
    onCleanup(() => legacy.close());
    const dir = appCopy('big-agi');
    setEnv(dir, '.env', { OPENAI_API_HOST: legacy.url.replace(/\/v1$/, '') }); // http://127.0.0.1:PORT: big-AGI adds /v1 itself
    expect((await migrate(dir, ['init', '--yes'])).exitCode).toBe(0);
    expect(envValue(dir, '.env.migrate', 'LEGACY_BASE_URL')).toBe(legacy.url);
    setEnv(dir, '.env.migrate', TARGET);
    const check = await migrate(dir, ['check', '--provider', 'legacy', '--samples', '1']);
    expect(check.exitCode, check.stderr).toBe(0);
    expect(legacy.requests.map((r) => `${r.method} ${r.path} ${r.authorized}`)).toEqual(expect.arrayContaining(['GET /v1/models true', 'POST /v1/chat/completions true']));
  });
});

describe('migrate init: .env.migrate', () => {
  it('LobeChat at a proxy root: OPENAI_PROXY_URL=http://litellm:4000 is the base URL its SDK calls, written as held (no /v1 added)', async () => {
    // The OpenAI SDK calls <base>/chat/completions; only a *_HOST variable (big-AGI) adds /v1 itself.
    const dir = appCopy('lobe-chat');
    setEnv(dir, '.env', { OPENAI_PROXY_URL: 'http://litellm:4000' });
    const result = await migrate(dir, ['init', '--yes']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(envValue(dir, '.env.migrate', 'LEGACY_BASE_URL')).toBe('http://litellm:4000');
    expect(row(result.stderr, 'base URL', 'OPENAI_PROXY_URL')).not.toContain('holds a host');
  });

  it('--json prints the same findings, names only', async () => {
    const dir = appCopy('anything-llm');
    const result = await migrate(dir, ['init', '--yes', '--json']);
    expect(result.exitCode, result.stderr).toBe(0);
    const doc = JSON.parse(result.stdout);
    expect(doc.findings).toContainEqual({
      kind: 'base URL',
      variable: 'GENERIC_OPEN_AI_BASE_PATH',
      at: '.env:18',
      confidence: 'high',
      reason: expect.stringContaining('LLM_PROVIDER'),
    });
    expect(doc.findings).toContainEqual(expect.objectContaining({ kind: 'skipped', variable: 'OLLAMA_BASE_PATH', at: '.env:14' }));
    expect(doc.migrateEnv).toEqual({ file: '.env.migrate', written: true });
    expect(doc.ignoredIn).toEqual(['.gitignore']);
    expect(result.stdout).not.toContain(envValue(dir, '.env', 'GENERIC_OPEN_AI_API_KEY'));
  });

  it('is never overwritten: init --force after a cut-over keeps the legacy key it copied first', async () => {
    const dir = appCopy('open-webui');
    expect((await migrate(dir, ['init', '--yes'])).exitCode).toBe(0);
    const before = read(dir, '.env.migrate');
    const { ino } = statSync(path.join(dir, '.env.migrate'));
    setEnv(dir, '.env', { OPENAI_API_KEY: TARGET.TARGET_API_KEY });
    const again = await migrate(dir, ['init', '--yes', '--force']);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stderr).toContain('kept .env.migrate as it is');
    expect(read(dir, '.env.migrate')).toBe(before);
    expect(statSync(path.join(dir, '.env.migrate')).ino).toBe(ino);
  });

  it('leaves the target unset rather than empty: TARGET_* from the environment are used, and config names .env.migrate when they are missing', async () => {
    const dir = appCopy('open-webui');
    expect((await migrate(dir, ['init', '--yes'])).exitCode).toBe(0);
    const missing = await migrate(dir, ['config']);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain('providers.target.baseUrl: ${TARGET_BASE_URL} is not set (set it in the environment or in .env.migrate)');
    expect(missing.stderr).not.toMatch(/expected an http/);

    const fromEnv = await runCli(['config', '--json'], { cwd: dir, env: TARGET });
    expect(fromEnv.exitCode, fromEnv.stderr).toBe(0);
    expect(JSON.parse(fromEnv.stdout).providers.target.baseUrl).toBe(TARGET.TARGET_BASE_URL);
  });

  it('a variable set empty is named with the file that empties it, not as a bad URL', async () => {
    const dir = appCopy('open-webui');
    expect((await migrate(dir, ['init', '--yes'])).exitCode).toBe(0);
    setEnv(dir, '.env.migrate', { TARGET_BASE_URL: '', TARGET_API_KEY: '' });
    const result = await migrate(dir, ['config']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('migrate.yaml:16 providers.target.baseUrl: ${TARGET_BASE_URL} is empty in .env.migrate (set it in the environment or in .env.migrate)');
    expect(result.stderr).toContain('migrate.yaml:17 providers.target.apiKey: ${TARGET_API_KEY} is empty in .env.migrate');
    expect(result.stderr).not.toMatch(/expected an http|must not be empty|\n\s+at /);
  });

  it('--dry-run writes nothing, not even .env.migrate, and adds no ignore line', async () => {
    const dir = appCopy('librechat');
    const result = await migrate(dir, ['init', '--dry-run']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(parse(result.stdout).environments.default.cutover).toHaveProperty('OPENAI_REVERSE_PROXY');
    expect(result.stderr).toContain('would write .env.migrate (mode 0600)');
    expect(() => statSync(path.join(dir, '.env.migrate'))).toThrow();
    expect(() => statSync(path.join(dir, 'migrate.yaml'))).toThrow();
    expect(read(dir, '.gitignore')).toBe('.env\nimages/\ndata-node/\n');
  });
});
