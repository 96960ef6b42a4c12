import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../src/core/config/load.js';
import { runCli } from '../helpers/cli.js';
import { KEYS, minimalYaml, project, withFixture } from './helpers.js';

// End to end: the built CLI, as a user runs it.
function migrate(cwd: string, args: string[], env: Record<string, string> = {}) {
  return runCli(args, { cwd, env });
}

/** Asserts the exit code; a failure shows what the CLI said on stderr. */
function expectExit(result: { exitCode?: number; stderr: string }, code: number) {
  expect(result.exitCode, result.stderr).toBe(code);
}

const ALL_KEYS = [KEYS.OPENAI_API_KEY, KEYS.HOLYSHEEP_API_KEY, KEYS.HOLYSHEEP_NORTH_KEY];

describe('migrate config', () => {
  it('prints the resolved config as YAML with every secret redacted', async () => {
    const cwd = project();
    withFixture(cwd, 'full.yaml');
    const result = await migrate(cwd, ['config'], KEYS);
    expectExit(result, 0);
    for (const key of ALL_KEYS) expect(result.stdout + result.stderr).not.toContain(key);
    const printed = parse(result.stdout);
    expect(printed.providers.legacy.apiKey).toBe(`sk-…${KEYS.OPENAI_API_KEY.slice(-4)}`);
    expect(printed.providers.target.nodes[1].headers.Authorization).toBe(`…${KEYS.HOLYSHEEP_NORTH_KEY.slice(-4)}`.replace(/^/, 'Bearer '));
    expect(printed.environments.canary.cutover.OPENAI_API_KEY).toBe(`sk-…${KEYS.HOLYSHEEP_API_KEY.slice(-4)}`);
    expect(printed.environments.canary.cutover.OPENAI_BASE_URL).toBe(KEYS.HOLYSHEEP_BASE_URL);
    expect(printed.ramp.soak).toBe(60_000);
    // Where each provider key and base URL came from, as YAML comments: names, never values.
    expect(result.stdout).toContain('\n#   providers.legacy.apiKey: ${OPENAI_API_KEY} from the process environment\n');
    expect(result.stdout).toContain('\n#   providers.target.nodes[1].apiKey: ${HOLYSHEEP_NORTH_KEY} from the process environment\n');
  });

  it('prints one JSON document with --json, narrowed by --env', async () => {
    const cwd = project();
    const file = withFixture(cwd, 'full.yaml', 'ops.yaml');
    // --env also runs the compose preflight: the files canary names must exist and define its services.
    const service = '    image: migrate-busybox:latest\n';
    writeFileSync(path.join(cwd, 'docker-compose.yml'), `services:\n  app:\n${service}  worker:\n${service}`);
    writeFileSync(path.join(cwd, 'docker-compose.canary.yml'), `services:\n  scheduler:\n${service}  gateway:\n${service}`);
    const result = await migrate(cwd, ['config', '--json', '--env', 'canary', '--config', file], KEYS);
    expectExit(result, 0);
    const printed = JSON.parse(result.stdout);
    expect(Object.keys(printed.environments)).toEqual(['canary']);
    expect(printed.providers.target.apiKey).toBe(`sk-…${KEYS.HOLYSHEEP_API_KEY.slice(-4)}`);
    // Where each provider setting came from, as the YAML comments say it: names, never values.
    expect(printed.origins).toMatchObject({
      'providers.legacy.apiKey': '${OPENAI_API_KEY} from the process environment',
      'providers.target.nodes[1].apiKey': '${HOLYSHEEP_NORTH_KEY} from the process environment',
    });
    for (const key of ALL_KEYS) expect(result.stdout).not.toContain(key);
  });

  it('exits 2 with file:line errors and no stack trace on a bad config', async () => {
    const cwd = project();
    withFixture(cwd, 'broken-types.yaml');
    const result = await migrate(cwd, ['config'], KEYS);
    expectExit(result, 2);
    expect(result.stdout).toBe('');
    const lines = result.stderr.split('\n');
    expect(lines[0]).toBe('error: migrate.yaml: 6 problems');
    expect(result.stderr).toContain('migrate.yaml:17 environments.canary.compose.services: expected a list');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  // A warning or error's line is found by js-yaml's reading of a plain file (config/fast-lines.ts).
  it('names the right lines of a config saved by a Windows editor (byte-order mark, CRLF), and of one with a mapping as a key', async () => {
    const body = minimalYaml('ramps: {}\n').replace('models: [gpt-4.1]', 'models: []');
    const cwd = project({ 'migrate.yaml': `\uFEFF${body.replace(/\n/g, '\r\n')}` });
    const windows = await migrate(cwd, ['config'], KEYS);
    expectExit(windows, 2);
    expect(windows.stderr).toContain('error:   migrate.yaml:9 models: must not be empty\n');
    expect(windows.stderr).toContain('error:   migrate.yaml:10 ramps: unknown key (did you mean "ramp"?)\n');
    writeFileSync(path.join(cwd, 'migrate.yaml'), body.replace('ramps: {}', '{toString: 1}: x\nramps: {}'));
    const mappingKey = await migrate(cwd, ['config'], KEYS);
    expectExit(mappingKey, 2);
    expect(mappingKey.stderr).toContain('error:   migrate.yaml:11 ramps: unknown key (did you mean "ramp"?)\n');
    expect(mappingKey.stderr).not.toContain('unexpected');
  });

  it('exits 2 naming a missing variable, and an unknown environment with a suggestion', async () => {
    const cwd = project();
    withFixture(cwd, 'full.yaml');
    const { HOLYSHEEP_NORTH_KEY: _unused, ...others } = KEYS;
    const missing = await migrate(cwd, ['config'], others);
    expectExit(missing, 2);
    expect(missing.stderr).toContain('error: migrate.yaml: 2 problems');
    expect(missing.stderr).toContain('migrate.yaml:25 providers.target.nodes[1].apiKey: ${HOLYSHEEP_NORTH_KEY} is not set (set it in the environment or in .env.migrate)');
    const unknown = await migrate(cwd, ['config', '--env', 'canry'], KEYS);
    expectExit(unknown, 2);
    expect(unknown.stderr.split('\n')[0]).toBe('error: unknown environment "canry" (did you mean "canary"?); migrate.yaml defines: staging, canary, production');
  });

  it('exits 2 naming a config or env file it may not read, never "unexpected"', async () => {
    const cwd = project({ '.env': `OPENAI_API_KEY=${KEYS.OPENAI_API_KEY}\n` });
    withFixture(cwd, 'full.yaml');
    chmodSync(cwd, 0o755);
    // As an unprivileged user (root reads anything), the way a teammate's shell would meet a 0600 file.
    const asNobody = (args: string[]) => (process.getuid?.() === 0 ? runCli(args, { cwd, user: 65534, env: KEYS }) : migrate(cwd, args, KEYS));
    chmodSync(path.join(cwd, 'migrate.yaml'), 0o644);
    chmodSync(path.join(cwd, '.env'), 0o600);
    const env = await asNobody(['config']);
    expectExit(env, 2);
    expect(env.stderr).toBe(`error: cannot read env file ${path.join(cwd, '.env')}: permission denied\nhint: make it readable by this user (or run as its owner), then run again`);
    chmodSync(path.join(cwd, 'migrate.yaml'), 0o600);
    const config = await asNobody(['config']);
    expectExit(config, 2);
    expect(config.stderr).toContain(`error: cannot read config file ${path.join(cwd, 'migrate.yaml')}: permission denied`);
  });

  it('exits 2 and points at migrate init when there is no config', async () => {
    const result = await migrate(project(), ['config']);
    expectExit(result, 2);
    expect(result.stderr).toMatch(/^error: no migrate\.yaml in .*\nhint: run `migrate init`/);
  });
});

describe('migrate init', () => {
  const APP = {
    '.env.canary': `OPENAI_BASE_URL=https://api.openai.com/v1\nOPENAI_API_KEY=${KEYS.OPENAI_API_KEY}\nHOLYSHEEP_BASE_URL=${KEYS.HOLYSHEEP_BASE_URL}\nHOLYSHEEP_API_KEY=${KEYS.HOLYSHEEP_API_KEY}\n`,
    '.env.production': `OPENAI_API_KEY=${KEYS.OPENAI_API_KEY}\n`,
    '.env.example': 'OPENAI_API_KEY=\n',
    'docker-compose.yml': 'services:\n  app:\n    image: app\n    env_file: .env.canary\n  worker:\n    image: app\n    env_file: [.env.production]\n',
  };

  it('writes a migrate.yaml that loads, with references and never a key', async () => {
    const cwd = project(APP);
    const result = await migrate(cwd, ['init']);
    expectExit(result, 0);
    expect(result.stderr).toContain('wrote migrate.yaml (environments: canary, production)');
    const text = readFileSync(path.join(cwd, 'migrate.yaml'), 'utf8');
    for (const key of ALL_KEYS) expect(text).not.toContain(key);
    // Variables come from the env files init found; nothing else needs setting.
    const loaded = await loadConfig({ cwd, processEnv: {} });
    expect(loaded.config.providers.target.apiKey).toBe(KEYS.HOLYSHEEP_API_KEY);
    // The readers init found are a comment: left out, compose.services lets the compose model derive them.
    expect(loaded.config.environments.canary!.compose!.services).toBeUndefined();
    expect(loaded.config.environments.production!.compose!.services).toBeUndefined();
    expect(text).toContain('# services: [app]  # these read the variables below.');
    expect(text).toContain('# services: [worker]  # these read the variables below.');
    expectExit(await migrate(cwd, ['config']), 0);
  });

  it('refuses to overwrite without --force, and --dry-run prints without writing', async () => {
    const cwd = project({ ...APP, 'migrate.yaml': '# mine\n' });
    const refused = await migrate(cwd, ['init']);
    expectExit(refused, 2);
    expect(refused.stderr).toContain('error: migrate.yaml already exists; not overwriting it');
    expect(readFileSync(path.join(cwd, 'migrate.yaml'), 'utf8')).toBe('# mine\n');

    const dry = await migrate(cwd, ['init', '--dry-run']);
    expectExit(dry, 0);
    expect(parse(dry.stdout).environments.canary.envFiles).toEqual(['.env.canary']);
    expect(readFileSync(path.join(cwd, 'migrate.yaml'), 'utf8')).toBe('# mine\n');

    expectExit(await migrate(cwd, ['init', '--force']), 0);
    expect(parse(readFileSync(path.join(cwd, 'migrate.yaml'), 'utf8')).version).toBe(1);
  });

  it('says which variables still need setting', async () => {
    const cwd = project({ '.env.staging': 'OPENAI_API_KEY=sk-x\n' });
    const result = await migrate(cwd, ['init']);
    expectExit(result, 0);
    expect(result.stderr).toContain('next: set TARGET_BASE_URL, TARGET_API_KEY in .env.migrate or the environment');
    const loaded = await loadConfig({ cwd, processEnv: { TARGET_BASE_URL: 'https://t.example/v1', TARGET_API_KEY: 'tk-0123456789abcdef' } });
    expect(Object.keys(loaded.config.environments)).toEqual(['staging']);
  });
});
