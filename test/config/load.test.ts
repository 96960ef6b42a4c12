import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, targetOnly } from '../../src/core/config/load.js';
import { redactedConfig } from '../../src/core/config/show.js';
import { UsageError } from '../../src/errors.js';
import { KEYS, minimalYaml, project, withFixture } from './helpers.js';

async function failure(promise: Promise<unknown>): Promise<UsageError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UsageError);
  expect((err as UsageError).exitCode).toBe(2);
  return err as UsageError;
}

/** Every line the user sees: the message and the detail lines. */
function lines(err: UsageError): string[] {
  return [err.message, ...err.details];
}

describe('finding the config', () => {
  it('says to run migrate init when there is no migrate.yaml', async () => {
    const cwd = project();
    const err = await failure(loadConfig({ cwd, processEnv: {} }));
    expect(err.message).toBe(`no migrate.yaml in ${cwd}`);
    expect(err.hint).toContain('migrate init');
    expect(err.hint).toContain('--config');
  });

  it('names the missing file given by --config or MIGRATE_CONFIG', async () => {
    const cwd = project();
    expect((await failure(loadConfig({ cwd, processEnv: {}, configPath: 'nope.yaml' }))).message).toBe('config file not found: nope.yaml (from --config)');
    expect((await failure(loadConfig({ cwd, processEnv: { MIGRATE_CONFIG: 'x.yaml' } }))).message).toBe('config file not found: x.yaml (from MIGRATE_CONFIG)');
  });

  it('finds migrate.yml, MIGRATE_CONFIG, and --config over MIGRATE_CONFIG', async () => {
    const cwd = project({ 'migrate.yml': minimalYaml(), 'other.yaml': minimalYaml().replace('gpt-4.1', 'other-model') });
    expect((await loadConfig({ cwd, processEnv: KEYS })).file).toBe(path.join(cwd, 'migrate.yml'));
    const viaEnv = await loadConfig({ cwd, processEnv: { ...KEYS, MIGRATE_CONFIG: 'other.yaml' } });
    expect(viaEnv.config.models).toEqual(['other-model']);
    const viaFlag = await loadConfig({ cwd, processEnv: { ...KEYS, MIGRATE_CONFIG: 'other.yaml' }, configPath: 'migrate.yml' });
    expect(viaFlag.config.models).toEqual(['gpt-4.1']);
  });

  it('reports an empty file', async () => {
    const cwd = project({ 'migrate.yaml': '# nothing yet\n' });
    expect((await failure(loadConfig({ cwd, processEnv: {} }))).message).toBe('migrate.yaml:1 the file is empty');
  });
});

describe('loading the full example', () => {
  it('fills defaults, resolves variables and lists every secret', async () => {
    const cwd = project();
    withFixture(cwd, 'full.yaml');
    const loaded = await loadConfig({ cwd, processEnv: KEYS });
    expect(loaded.dir).toBe(cwd);
    expect(loaded.config.providers.legacy.apiKey).toBe(KEYS.OPENAI_API_KEY);
    expect(loaded.config.providers.target.timeoutMs).toBe(20000); // ${TARGET_TIMEOUT_MS:-20000} became a number
    expect(loaded.config.environments.canary!.compose!.healthTimeout).toBe(90_000);
    expect(loaded.config.environments.canary!.traffic).toMatchObject({ driver: 'nginx', splitKey: '$request_id' });
    expect(loaded.config.ramp.soak).toBe(60_000);
    expect(loaded.secrets).toEqual(expect.arrayContaining([KEYS.OPENAI_API_KEY, KEYS.HOLYSHEEP_API_KEY, KEYS.HOLYSHEEP_NORTH_KEY, `Bearer ${KEYS.HOLYSHEEP_NORTH_KEY}`]));
    expect(loaded.secrets).not.toContain(KEYS.HOLYSHEEP_BASE_URL); // a base URL is not a secret
    expect(loaded.warnings).toEqual([]);
  });

  it('treats the path and query of webhook URLs as secrets (chat webhooks carry their token there)', async () => {
    const cwd = project({
      'migrate.yaml': `${minimalYaml()}ramp:\n  webhook: https://hooks.slack.com/services/T0001/B0002/XyZsecretToken\n  sources: { webhook: "https://gate.example/check" }\n`,
    });
    const loaded = await loadConfig({ cwd, processEnv: KEYS });
    expect(loaded.secrets).toContain('/services/T0001/B0002/XyZsecretToken');
    expect(loaded.secrets).not.toContain('/check'); // too short to be a token
    // What `migrate config` prints: the host stays readable, the token does not.
    const shown = redactedConfig(loaded);
    expect(shown.ramp.webhook).toBe('https://hooks.slack.com…oken');
    expect(JSON.stringify(shown)).not.toContain('XyZsecretToken');
    expect(shown.ramp.sources.webhook).toBe('https://gate.example/check');
  });

  it('treats credentials in a URL query (?api-key=) as secrets', async () => {
    const cwd = project({ 'migrate.yaml': minimalYaml().replace('https://api.openai.com/v1', 'https://relay.example/v1?api-key=rq-0123456789abcdef&region=eu') });
    const loaded = await loadConfig({ cwd, processEnv: KEYS });
    expect(loaded.secrets).toContain('rq-0123456789abcdef');
    expect(redactedConfig(loaded).providers.legacy.baseUrl).toBe('https://relay.example/v1?api-key=rq-…cdef&region=eu');
  });

  it('warns about a key written into the file', async () => {
    const cwd = project({ 'migrate.yaml': minimalYaml().replace('${OPENAI_API_KEY}', 'sk-literal-000011112222') });
    const loaded = await loadConfig({ cwd, processEnv: KEYS });
    expect(loaded.warnings).toEqual(['migrate.yaml:5 providers.legacy.apiKey is written in the file; use ${VAR} so the key stays out of version control']);
  });

  it('warns, without showing it, about a key with quotes or spaces around it, from a variable or the file', async () => {
    const yaml = minimalYaml('').replace(
      '    apiKey: ${HOLYSHEEP_API_KEY}',
      '    apiKey: ${HOLYSHEEP_API_KEY}\n    nodes:\n      - { id: north, baseUrl: https://north.example/v1, apiKey: " north-5555666677778888 " }',
    );
    const quoted = `"${KEYS.HOLYSHEEP_API_KEY}"`;
    const cwd = project({ 'migrate.yaml': yaml, '.env': `HOLYSHEEP_API_KEY='${quoted}'\n` });
    const { HOLYSHEEP_API_KEY: _fromDotenv, ...env } = KEYS;
    const loaded = await loadConfig({ cwd, processEnv: env });
    expect(loaded.config.providers.target.apiKey).toBe(quoted);
    expect(loaded.warnings).toEqual([
      'migrate.yaml:10 providers.target.nodes[0].apiKey is written in the file; use ${VAR} so the key stays out of version control',
      'migrate.yaml:8 providers.target.apiKey has quotes around it; they are dropped before the key is sent',
      'migrate.yaml:10 providers.target.nodes[0].apiKey has spaces around it; they are dropped before the key is sent',
    ]);
    expect((await loadConfig({ cwd, processEnv: { ...env, HOLYSHEEP_API_KEY: ` ${quoted}` } })).warnings).toContain(
      'migrate.yaml:8 providers.target.apiKey has spaces and quotes around it; they are dropped before the key is sent',
    );
    expect((await loadConfig({ cwd, processEnv: KEYS })).warnings).not.toContainEqual(expect.stringContaining('providers.target.apiKey'));
  });
});

describe('validation errors', () => {
  it('names file, line and key path, in plain words, all at once', async () => {
    const cwd = project();
    withFixture(cwd, 'broken-types.yaml');
    const err = await failure(loadConfig({ cwd, processEnv: KEYS }));
    expect(err.message).toBe('migrate.yaml: 6 problems');
    expect(err.details).toEqual([
      'migrate.yaml:7 providers.target.timeoutMs: expected a number, got a string',
      'migrate.yaml:9 providers.target.nodes[0].baseUrl: required',
      'migrate.yaml:10 providers.target.nodes[0].baseURL: unknown key (did you mean "baseUrl"?)',
      'migrate.yaml:17 environments.canary.compose.services: expected a list, got a string',
      'migrate.yaml:18 environments.canary.trafic: unknown key (did you mean "traffic"?)',
      'migrate.yaml:21 ramp.soak: expected a duration like 500ms, 10s or 5m, got "forever"',
    ]);
  });

  it('gives a single problem as the message itself', async () => {
    const cwd = project({ 'migrate.yaml': minimalYaml('stateDri: .state') });
    const err = await failure(loadConfig({ cwd, processEnv: KEYS }));
    expect(err.message).toBe('migrate.yaml:10 stateDri: unknown key (did you mean "stateDir"?)');
    expect(err.details).toEqual([]);
  });

  it('suggests keys of the traffic driver in use', async () => {
    const yaml = minimalYaml('environments:\n  canary:\n    envFiles: [.env]\n    traffic: { driver: nginx, file: x.conf, splitkey: $x }');
    const err = await failure(loadConfig({ cwd: project({ 'migrate.yaml': yaml }), processEnv: KEYS }));
    expect(err.message).toBe('migrate.yaml:13 environments.canary.traffic.splitkey: unknown key (did you mean "splitKey"?)');
  });

  it('lists the allowed values of an enum or driver', async () => {
    const yaml = minimalYaml('environments:\n  canary:\n    envFiles: [.env]\n    traffic: { driver: ngnix }');
    const err = await failure(loadConfig({ cwd: project({ 'migrate.yaml': yaml }), processEnv: KEYS }));
    expect(err.message).toBe('migrate.yaml:13 environments.canary.traffic.driver: expected one of "env", "nginx", "command", got "ngnix" (did you mean "nginx"?)');
  });

  it('asks for a log when the gateway source is on and the environment has no nginx accessLog', async () => {
    const yaml = minimalYaml(
      ['environments:', '  canary:', '    envFiles: [.env]', '    traffic: { driver: nginx, file: migrate.conf }', 'ramp:', '  sources: { gateway: {} }'].join('\n'),
    );
    const err = await failure(loadConfig({ cwd: project({ 'migrate.yaml': yaml }), processEnv: KEYS }));
    expect(err.message).toBe('migrate.yaml:15 ramp.sources.gateway: no access log for environment "canary": set log here, or environments.canary.traffic.accessLog (nginx driver)');
    const fixed = yaml.replace('file: migrate.conf', 'file: migrate.conf, accessLog: /var/log/nginx/migrate.json.log');
    const loaded = await loadConfig({ cwd: project({ 'migrate.yaml': fixed }), processEnv: KEYS });
    expect(loaded.config.environments.canary!.traffic).toMatchObject({ accessLog: '/var/log/nginx/migrate.json.log' });
    expect(loaded.config.ramp.gates.alpha).toBe(0.01);
  });

  it('checks what relates parts of the file: requires, node ids, stage order', async () => {
    const yaml = minimalYaml(['environments:', '  prod:', '    envFiles: [.env]', '    requires: canry', 'ramp:', '  stages: [5, 50, 20]'].join('\n'));
    const err = await failure(loadConfig({ cwd: project({ 'migrate.yaml': yaml }), processEnv: KEYS }));
    expect(lines(err)).toEqual([
      'migrate.yaml: 2 problems',
      'migrate.yaml:13 environments.prod.requires: unknown environment "canry" (known: prod)',
      'migrate.yaml:15 ramp.stages: stages must increase, got 5, 50, 20',
    ]);
  });

  it('reports YAML syntax errors with their line', async () => {
    const cwd = project({ 'migrate.yaml': 'version: 1\nproviders:\n  legacy: {baseUrl: x\nmodels: [a]\n' });
    const err = await failure(loadConfig({ cwd, processEnv: {} }));
    expect(lines(err).join('\n')).toMatch(/^migrate\.yaml:\d+ YAML syntax error: /m);
    const dup = await failure(loadConfig({ cwd: project({ 'migrate.yaml': 'version: 1\nmodels: [a]\nversion: 1\n' }), processEnv: {} }));
    expect(dup.message).toBe('migrate.yaml:3 YAML syntax error: Map keys must be unique');
  });

  it('never echoes a secret in an error line', async () => {
    // The key lands where a list is expected; the error must not print it.
    const yaml = minimalYaml().replace('models: [gpt-4.1]', 'models: ${HOLYSHEEP_API_KEY}');
    const err = await failure(loadConfig({ cwd: project({ 'migrate.yaml': yaml }), processEnv: KEYS }));
    expect(err.message).toBe('migrate.yaml:9 models: expected a list, got a string');
    expect(JSON.stringify(lines(err))).not.toContain(KEYS.HOLYSHEEP_API_KEY);
  });
});

describe('variables', () => {
  it('names every missing variable and where it is used, at once', async () => {
    const cwd = project();
    withFixture(cwd, 'broken-variables.yaml');
    const err = await failure(loadConfig({ cwd, processEnv: {} }));
    expect(lines(err)).toEqual([
      'migrate.yaml: 3 problems',
      'migrate.yaml:3 providers.legacy.apiKey: ${OPENAI_API_KEY} is not set (set it in the environment or in .env.migrate)',
      'migrate.yaml:5 providers.target.baseUrl: ${HOLYSHEEP_BASE_URL} is not set (set it in the environment or in .env.migrate)',
      'migrate.yaml:6 providers.target.apiKey: ${HOLYSHEEP_API_KEY} is not set (set it in the environment or in .env.migrate)',
    ]);
  });

  it('reports missing variables and schema errors together, without repeating the unset keys', async () => {
    const cwd = project({ 'migrate.yaml': minimalYaml('check: { sampels: 3 }') });
    const err = await failure(loadConfig({ cwd, processEnv: { OPENAI_API_KEY: 'sk-aaaaaaaaaaaaaaaa', HOLYSHEEP_API_KEY: 'hs-bbbbbbbbbbbbbbbb' } }));
    expect(lines(err)).toEqual([
      'migrate.yaml: 2 problems',
      'migrate.yaml:7 providers.target.baseUrl: ${HOLYSHEEP_BASE_URL} is not set (set it in the environment or in .env.migrate)',
      'migrate.yaml:10 check.sampels: unknown key (did you mean "samples"?)',
    ]);
  });

  it('a variable set empty in the process environment is named as empty there, not as a bad URL', async () => {
    const cwd = project({ 'migrate.yaml': minimalYaml() });
    const err = await failure(loadConfig({ cwd, processEnv: { OPENAI_API_KEY: 'sk-aaaaaaaaaaaaaaaa', HOLYSHEEP_BASE_URL: '', HOLYSHEEP_API_KEY: 'hs-bbbbbbbbbbbbbbbb' } }));
    expect(lines(err)).toEqual([
      'migrate.yaml:7 providers.target.baseUrl: ${HOLYSHEEP_BASE_URL} is empty in the process environment (set it in the environment or in .env.migrate)',
    ]);
  });

  it('rollback (target settings tolerated) still loads when the target variables are set empty', async () => {
    const cwd = project({ 'migrate.yaml': minimalYaml() });
    const loaded = await loadConfig({ cwd, processEnv: { OPENAI_API_KEY: 'sk-aaaaaaaaaaaaaaaa', HOLYSHEEP_BASE_URL: '', HOLYSHEEP_API_KEY: '' }, tolerateMissing: targetOnly });
    expect(loaded.config.providers.legacy.apiKey).toBe('sk-aaaaaaaaaaaaaaaa');
    expect(loaded.warnings).toContainEqual(expect.stringContaining('providers.target.baseUrl: ${HOLYSHEEP_BASE_URL} is empty (not needed here; ignored)'));
  });

  it('points at the .env beside a config in another directory', async () => {
    const cwd = project({ 'deploy/migrate.yaml': minimalYaml() });
    const err = await failure(loadConfig({ cwd, processEnv: { OPENAI_API_KEY: 'a', HOLYSHEEP_API_KEY: 'b' }, configPath: 'deploy/migrate.yaml' }));
    expect(err.message).toBe('deploy/migrate.yaml:7 providers.target.baseUrl: ${HOLYSHEEP_BASE_URL} is not set (set it in the environment or in deploy/.env.migrate)');
  });

  it('uses ${VAR:-default} when unset or empty, and $$ for a literal $', async () => {
    const yaml = minimalYaml('stateDir: ${STATE_DIR:-.state}/$$HOME\ncheck: { samples: "${SAMPLES:-7}" }');
    const loaded = await loadConfig({ cwd: project({ 'migrate.yaml': yaml }), processEnv: { ...KEYS, STATE_DIR: '' } });
    expect(loaded.config.stateDir).toBe('.state/$HOME');
    expect(loaded.config.check.samples).toBe(7);
  });

  it('reads .env beside the config and the envFiles environments name; the process environment wins', async () => {
    const yaml = minimalYaml('environments:\n  canary:\n    envFiles: [app/.env.canary, app/.env.missing]');
    const cwd = project({
      'migrate.yaml': yaml,
      '.env': `HOLYSHEEP_BASE_URL=https://from-dotenv.example/v1\nHOLYSHEEP_API_KEY=${KEYS.HOLYSHEEP_API_KEY}\n`,
      'app/.env.canary': 'OPENAI_API_KEY=sk-from-canary-file-0000\nHOLYSHEEP_API_KEY=sk-loses-to-dotenv-000000\n',
    });
    const fromFiles = await loadConfig({ cwd, processEnv: {} });
    expect(fromFiles.config.providers.target.baseUrl).toBe('https://from-dotenv.example/v1');
    expect(fromFiles.config.providers.target.apiKey).toBe(KEYS.HOLYSHEEP_API_KEY);
    expect(fromFiles.config.providers.legacy.apiKey).toBe('sk-from-canary-file-0000');
    const overridden = await loadConfig({ cwd, processEnv: { HOLYSHEEP_BASE_URL: 'https://from-env.example/v1' } });
    expect(overridden.config.providers.target.baseUrl).toBe('https://from-env.example/v1');
  });

  it("prefers the acted-on environment's own env files", async () => {
    const yaml = minimalYaml('environments:\n  canary: { envFiles: [.env.canary] }\n  production: { envFiles: [.env.production] }');
    const cwd = project({
      'migrate.yaml': yaml,
      '.env': `HOLYSHEEP_BASE_URL=https://hs.example/v1\nHOLYSHEEP_API_KEY=${KEYS.HOLYSHEEP_API_KEY}\n`,
      '.env.canary': 'OPENAI_API_KEY=sk-canary-key-000000000\n',
      '.env.production': 'OPENAI_API_KEY=sk-production-key-0000\n',
    });
    expect((await loadConfig({ cwd, processEnv: {} })).config.providers.legacy.apiKey).toBe('sk-canary-key-000000000');
    expect((await loadConfig({ cwd, processEnv: {}, environment: 'production' })).config.providers.legacy.apiKey).toBe('sk-production-key-0000');
    expect((await loadConfig({ cwd, processEnv: { MIGRATE_ENV: 'production' } })).config.providers.legacy.apiKey).toBe('sk-production-key-0000');
  });

  it('warns when a provider reads a variable from an env file an environment rewrites', async () => {
    const yaml = minimalYaml('environments:\n  canary:\n    envFiles: [.env.canary]\n    cutover: { OPENAI_API_KEY: "${HOLYSHEEP_API_KEY}" }');
    const cwd = project({ 'migrate.yaml': yaml, '.env.canary': 'OPENAI_API_KEY=sk-app-key-00000000000\n' });
    const { OPENAI_API_KEY: _unused, ...others } = KEYS;
    const loaded = await loadConfig({ cwd, processEnv: others });
    expect(loaded.warnings).toEqual([
      'migrate.yaml:5 providers.legacy.apiKey reads OPENAI_API_KEY from .env.canary, which environment canary rewrites; put OPENAI_API_KEY in .env.migrate beside the config (or the process environment), never in a file an environment rewrites',
    ]);
    expect((await loadConfig({ cwd, processEnv: KEYS })).warnings).toEqual([]);
  });
});
