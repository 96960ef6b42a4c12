// `migrate config` and `migrate status` run in this process: environment injected (nothing read
// from the test runner's own), output captured. The same assertions as the spawned-CLI tests in
// test/config/cli.test.ts, at a fraction of the cost.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { KEYS, minimalYaml, project, withFixture } from '../config/helpers.js';
import { runInProcess } from '../helpers/in-process.js';

const loadConfigCommand = () => import('../../src/commands/config/index.js');
const loadStatus = () => import('../../src/commands/status/index.js');

describe('in process', () => {
  it('config prints the config with the injected keys redacted, and names where they came from', async () => {
    const cwd = project();
    withFixture(cwd, 'full.yaml');
    const env = { PATH: process.env.PATH ?? '', ...KEYS };
    const result = await runInProcess(loadConfigCommand, {}, { cwd, env });
    expect(result.exitCode, result.stderr).toBe(0);
    for (const key of [KEYS.OPENAI_API_KEY, KEYS.HOLYSHEEP_API_KEY, KEYS.HOLYSHEEP_NORTH_KEY]) expect(result.stdout + result.stderr).not.toContain(key);
    expect(parse(result.stdout).providers.legacy.apiKey).toBe(`sk-…${KEYS.OPENAI_API_KEY.slice(-4)}`);
    expect(result.stdout).toContain('#   providers.legacy.apiKey: ${OPENAI_API_KEY} from the process environment');
  });

  it('config: a key missing from the injected environment is exit 2 naming the variable, not the runner’s own', async () => {
    const cwd = project();
    withFixture(cwd, 'full.yaml');
    const { OPENAI_API_KEY: _left, ...rest } = KEYS;
    const result = await runInProcess(loadConfigCommand, {}, { cwd, env: { ...rest, OPENAI_API_KEY: undefined } });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('OPENAI_API_KEY');
    expect(result.stdout).toBe('');
  });

  it('status --json lists each environment, none ramped yet; without --json a table of the same', async () => {
    const cwd = project();
    withFixture(cwd, 'full.yaml');
    const env = { ...KEYS };
    const json = await runInProcess(loadStatus, undefined as never, { cwd, env, global: { json: true } });
    expect(json.exitCode, json.stderr).toBe(0);
    const doc = JSON.parse(json.stdout) as { schemaVersion: number; environments: { environment: string; status: string }[] };
    expect(doc.environments.map((e) => [e.environment, e.status])).toEqual([
      ['staging', 'none'],
      ['canary', 'none'],
      ['production', 'none'],
    ]);
    const text = await runInProcess(loadStatus, undefined as never, { cwd, env });
    expect(text.exitCode, text.stderr).toBe(0);
    for (const name of ['staging', 'canary', 'production']) expect(text.stdout).toContain(name);
  });
});
