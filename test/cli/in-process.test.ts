// `migrate config` and `migrate status` run in this process: environment injected (nothing read
// from the test runner's own), output captured. The same assertions as the spawned-CLI tests in
// test/config/cli.test.ts, at a fraction of the cost.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { parse } from 'yaml';
import { KEYS, minimalYaml, project, withFixture } from '../config/helpers.js';
import { runInProcess } from '../helpers/in-process.js';
import { canaryProject, LEGACY_KEY, probeRamp, providers, TARGET_KEY } from '../ramp/helpers.js';

const loadConfigCommand = () => import('../../src/commands/config/index.js');
const loadStatus = () => import('../../src/commands/status/index.js');
const loadRamp = () => import('../../src/commands/ramp/index.js');

describe('in process', () => {
  it('config prints the config with the injected keys redacted, and names where they came from', async () => {
    const cwd = project();
    withFixture(cwd, 'full.yaml');
    const env = { PATH: process.env.PATH ?? '', ...KEYS };
    const result = await runInProcess(loadConfigCommand, {}, { cwd, processEnv: env });
    expect(result.exitCode, result.stderr).toBe(0);
    for (const key of [KEYS.OPENAI_API_KEY, KEYS.HOLYSHEEP_API_KEY, KEYS.HOLYSHEEP_NORTH_KEY]) expect(result.stdout + result.stderr).not.toContain(key);
    expect(parse(result.stdout).providers.legacy.apiKey).toBe(`sk-…${KEYS.OPENAI_API_KEY.slice(-4)}`);
    expect(result.stdout).toContain('#   providers.legacy.apiKey: ${OPENAI_API_KEY} from the process environment');
  });

  it('config: a key missing from the injected environment is exit 2 naming the variable, not the runner’s own', async () => {
    const cwd = project();
    withFixture(cwd, 'full.yaml');
    const { OPENAI_API_KEY: _left, ...rest } = KEYS;
    const result = await runInProcess(loadConfigCommand, {}, { cwd, processEnv: { ...rest, OPENAI_API_KEY: undefined } });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('OPENAI_API_KEY');
    expect(result.stdout).toBe('');
  });

  it('status --json lists each environment, none ramped yet; without --json a table of the same', async () => {
    const cwd = project();
    withFixture(cwd, 'full.yaml');
    const env = { ...KEYS };
    const json = await runInProcess(loadStatus, undefined as never, { cwd, processEnv: env, global: { json: true } });
    expect(json.exitCode, json.stderr).toBe(0);
    const doc = JSON.parse(json.stdout) as { schemaVersion: number; environments: { environment: string; status: string }[] };
    expect(doc.environments.map((e) => [e.environment, e.status])).toEqual([
      ['staging', 'none'],
      ['canary', 'none'],
      ['production', 'none'],
    ]);
    const text = await runInProcess(loadStatus, undefined as never, { cwd, processEnv: env });
    expect(text.exitCode, text.stderr).toBe(0);
    for (const name of ['staging', 'canary', 'production']) expect(text.stdout).toContain(name);
  });

  it("ramp: the command driver runs in the injected environment, with MIGRATE_WEIGHT added, and nothing of this process's", async () => {
    const { legacy, target } = await providers();
    // The driver's command is the witness: it writes the environment it was started with.
    const driver = ['  canary:', '    envFiles: [.env.canary]', '    traffic: { driver: command, command: "env > seen-$MIGRATE_WEIGHT.env" }'];
    const cwd = canaryProject({ legacyUrl: legacy.url, targetUrl: target.url, environments: driver, ramp: probeRamp('100', '300ms', '150ms') });
    process.env.MIGRATE_RUNNER_ONLY = 'from-the-test-process'; // in this process only: must not reach the command
    onTestFinished(() => void delete process.env.MIGRATE_RUNNER_ONLY);
    const env = { PATH: process.env.PATH ?? '', LEGACY_KEY, TARGET_KEY, MIGRATE_INJECTED: 'from-the-context' };

    const result = await runInProcess(loadRamp, {}, { cwd, processEnv: env, global: { env: 'canary', yes: true } });

    expect(result.exitCode, result.stderr).toBe(0);
    const seen = readFileSync(path.join(cwd, 'seen-100.env'), 'utf8');
    expect(seen).toContain('MIGRATE_INJECTED=from-the-context\n');
    expect(seen).toContain('MIGRATE_WEIGHT=100\n');
    expect(seen).toContain('MIGRATE_ENV=canary\n');
    expect(seen).not.toContain('MIGRATE_RUNNER_ONLY');
  }, 30_000);
});
