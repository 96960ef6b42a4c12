// A person at a terminal: rollback asks before touching anything, and does what the answer says.
import { promises as fs } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackup } from '../../src/core/state/backups.js';
import { startFakeProvider, type FakeProvider } from '../helpers/fake-provider.js';
import { runAtTerminal } from '../helpers/terminal.js';
import { BIN, assertBuilt, legacyText, makeProject, pointAtTarget, targetText, type ProjectOptions } from './cli.js';
import { KEYS, tempDir } from './helpers.js';

let legacy: FakeProvider;
let target: FakeProvider;
let opts: ProjectOptions;

beforeAll(async () => {
  assertBuilt();
  legacy = await startFakeProvider({ name: 'legacy', apiKey: KEYS.legacy });
  target = await startFakeProvider({ name: 'target', apiKey: KEYS.target });
  opts = { legacyUrl: legacy.url, targetUrl: target.url };
});
afterAll(async () => {
  await legacy?.close();
  await target?.close();
});

async function projectPointingAtTarget() {
  const p = await makeProject(tempDir(), opts);
  await createBackup({ stateDir: p.stateDir, environment: 'canary', files: [{ path: 'env/.env.canary', absolute: p.envFiles[0]! }], toolVersion: 'test' });
  await pointAtTarget(p, opts);
  return p;
}

const env = { OPENAI_API_KEY: KEYS.legacy, TARGET_API_KEY: KEYS.target, MIGRATE_ENV: '', MIGRATE_CONFIG: '' };

describe('migrate rollback at a terminal', () => {
  it('shows the keys that change and restores after "y"', async () => {
    const p = await projectPointingAtTarget();
    const r = await runAtTerminal([process.execPath, BIN, 'rollback', '--env', 'canary', '--no-restart'], { cwd: p.dir, env, answers: [{ when: 'Restore 1 env file(s) of canary?', keys: 'y\r' }] });
    expect(r.code, r.screen).toBe(0);
    expect(r.screen).toContain('env/.env.canary: change LLM_TARGET_WEIGHT, OPENAI_API_KEY, OPENAI_BASE_URL');
    expect(await fs.readFile(p.envFiles[0]!, 'utf8')).toBe(legacyText(opts));
    for (const key of Object.values(KEYS)) expect(r.screen).not.toContain(key);
  });

  it('changes nothing after "n" and exits 130', async () => {
    const p = await projectPointingAtTarget();
    const r = await runAtTerminal([process.execPath, BIN, 'rollback', '--env', 'canary', '--no-restart'], { cwd: p.dir, env, answers: [{ when: 'Restore 1 env file(s) of canary?', keys: 'n\r' }] });
    expect(r.code, r.screen).toBe(130);
    expect(await fs.readFile(p.envFiles[0]!, 'utf8')).toBe(targetText(opts));
  });
});
