import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/core/config/load.js';
import { defaultDeps, rollback } from '../../src/core/rollback/run.js';
import { type RollbackDeps, type RollbackRequest } from '../../src/core/rollback/session.js';
import { readAudit } from '../../src/core/state/audit.js';
import { createRunner } from '../helpers/run.js';
import { startFakeProvider, type FakeProvider } from '../helpers/fake-provider.js';
import { legacyText, makeProject, pointAtTarget, targetText, type ProjectOptions } from './cli.js';
import { KEYS, tempDir } from './helpers.js';
import { scriptedPrompter } from '../helpers/prompter.js';

// The orchestrator in-process, for what the CLI cannot show without a terminal: the prompt is the
// injected seam (as `gh` does); everything else is real (files, lock, audit, fake provider).
let legacy: FakeProvider;
let o: ProjectOptions;
beforeAll(async () => {
  legacy = await startFakeProvider({ name: 'legacy', apiKey: KEYS.legacy });
  o = { legacyUrl: legacy.url, targetUrl: 'http://127.0.0.1:9/v1' };
});
afterAll(() => legacy?.close());

async function setup(extraYaml = '') {
  const p = await makeProject(tempDir(), o);
  if (extraYaml) await fs.appendFile(p.config, extraYaml);
  const env = { OPENAI_API_KEY: KEYS.legacy, TARGET_API_KEY: KEYS.target };
  const loaded = await loadConfig({ cwd: p.dir, processEnv: env, configPath: p.config });
  const { createBackup } = await import('../../src/core/state/backups.js');
  await createBackup({ stateDir: p.stateDir, environment: 'canary', files: [{ path: 'env/.env.canary', absolute: p.envFiles[0]! }], toolVersion: 'test' });
  await pointAtTarget(p, o);
  const lines: string[] = [];
  const req: RollbackRequest = {
    loaded,
    environment: 'canary',
    envConfig: loaded.config.environments.canary!,
    dryRun: false,
    restart: true,
    // A person at a terminal with no answers: a question fails the test unless one scripts them.
    prompter: scriptedPrompter([]).prompter,
    signal: new AbortController().signal,
    processEnv: env,
    log: { info: (l) => lines.push(l), warn: (l) => lines.push(`warning: ${l}`) },
  };
  return { p, req, lines };
}

function deps(overrides: Partial<RollbackDeps>): RollbackDeps {
  return { ...defaultDeps(createRunner()), ...overrides };
}

/** --yes: never asks. */
const yes = scriptedPrompter([], { yes: true }).prompter;

describe('rollback at a terminal', () => {
  it('asks first; "no" changes nothing, disturbs nothing, exits 130 and is audited as cancelled', async () => {
    const { p, req } = await setup();
    const person = scriptedPrompter([false]);
    const err = await rollback({ ...req, prompter: person.prompter }, deps({})).catch((e: unknown) => e);
    expect(err).toMatchObject({ exitCode: 130, message: 'rollback cancelled; nothing was changed' });
    expect(person.asked).toEqual(['Restore 1 env file(s) of canary?']);
    expect(await fs.readFile(p.envFiles[0]!, 'utf8')).toBe(targetText(o));
    expect(await fs.readdir(p.stateDir)).not.toContain('locks');
    expect((await readAudit(p.stateDir)).at(-1)).toMatchObject({ command: 'rollback', result: 'cancelled' });
  });

  it('"yes" restores, verifies against the real provider and reports', async () => {
    const { p, req, lines } = await setup();
    const person = scriptedPrompter([true]);
    const { report } = await rollback({ ...req, prompter: person.prompter }, deps({}));
    expect(person.unasked()).toEqual([]);
    expect(report).toMatchObject({ ok: true, files: [{ restored: true }], verify: { ok: true, provider: 'legacy' } });
    expect(await fs.readFile(p.envFiles[0]!, 'utf8')).toBe(legacyText(o));
    expect(lines).toContain('  env/.env.canary: change LLM_TARGET_WEIGHT, OPENAI_API_KEY, OPENAI_BASE_URL');
  });

  it('--yes never prompts', async () => {
    const { req } = await setup();
    const { report } = await rollback({ ...req, prompter: yes }, deps({}));
    expect(report.ok).toBe(true);
  });
});

describe('traffic drivers other than env', () => {
  it('are reset to 0 % first, before the files are restored (a reload is the fastest way back to legacy)', async () => {
    const { p, req } = await setup();
    const envConfig = { ...req.envConfig, traffic: { driver: 'command' as const, command: ['true'], timeout: 1000 } };
    const seen: string[] = [];
    const { report } = await rollback(
      { ...req, envConfig, prompter: yes },
      deps({
        // A stub of the seam: the drivers themselves are tested in test/traffic against real nginx.
        resetTraffic: async (input) => {
          seen.push(`${input.envConfig.traffic.driver} with file ${(await fs.readFile(p.envFiles[0]!, 'utf8')) === legacyText(o) ? 'restored' : 'not restored'}`);
          return { driver: 'command', appliedWeight: 0, steps: ['run true'] };
        },
      }),
    );
    expect(seen).toEqual(['command with file not restored']);
    expect(report.traffic).toEqual({ driver: 'command', appliedWeight: 0, steps: ['run true'] });
  });

  it('a driver that cannot be reset still gets the files restored, and the rollback exits 3', async () => {
    const { p, req } = await setup();
    const envConfig = { ...req.envConfig, traffic: { driver: 'command' as const, command: ['false'], timeout: 1000 } };
    const err = await rollback({ ...req, envConfig, prompter: yes }, deps({})).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ exitCode: 3 });
    expect((err as Error).message).toContain('env files are restored but the command traffic driver could not be reset to 0 %');
    expect(await fs.readFile(p.envFiles[0]!, 'utf8')).toBe(legacyText(o));
  });

  it('the real command driver runs its command with weight 0', async () => {
    const { p, req } = await setup();
    const out = path.join(p.dir, 'weight.txt');
    const envConfig = { ...req.envConfig, traffic: { driver: 'command' as const, command: ['sh', '-c', `echo "$MIGRATE_WEIGHT $MIGRATE_ENV" > ${out}`], timeout: 5000 } };
    const { report } = await rollback({ ...req, envConfig, prompter: yes }, deps({}));
    expect(await fs.readFile(out, 'utf8')).toBe('0 canary\n');
    expect(report.traffic).toMatchObject({ driver: 'command', appliedWeight: 0 });
  });
});
