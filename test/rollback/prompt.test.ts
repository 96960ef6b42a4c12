// `migrate rollback` in this process with a scripted person at the terminal (the Context's
// Prompter): "no" changes nothing and exits 130, "yes" restores, and nobody at a terminal without
// --yes is refused with exit 2 before any question. Real files, state and fake provider.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackup } from '../../src/core/state/backups.js';
import { startFakeProvider, type FakeProvider } from '../helpers/fake-provider.js';
import { runInProcess } from '../helpers/in-process.js';
import { noTerminal, scriptedPrompter } from '../helpers/prompter.js';
import { legacyText, makeProject, pointAtTarget, targetText, type ProjectOptions } from './cli.js';
import { KEYS, tempDir } from './helpers.js';

const loadRollback = () => import('../../src/commands/rollback/index.js');

let legacy: FakeProvider;
let o: ProjectOptions;
beforeAll(async () => {
  legacy = await startFakeProvider({ name: 'legacy', apiKey: KEYS.legacy });
  o = { legacyUrl: legacy.url, targetUrl: 'http://127.0.0.1:9/v1' };
});
afterAll(() => legacy?.close());

/** A project backed up on legacy and since cut over to target, as after a ramp. */
async function cutOver() {
  const p = await makeProject(tempDir(), o);
  await createBackup({ stateDir: p.stateDir, environment: 'canary', files: [{ path: 'env/.env.canary', absolute: p.envFiles[0]! }], toolVersion: 'test' });
  await pointAtTarget(p, o);
  const file = p.envFiles[0]!;
  const before = await fs.stat(file);
  const env = { OPENAI_API_KEY: KEYS.legacy, TARGET_API_KEY: KEYS.target };
  return { p, file, before, env, global: { config: p.config, env: 'canary' } };
}

describe('rollback asks through the Context', () => {
  it('a scripted "no": exit 130, the env file untouched (content, inode, mode), no lock taken', async () => {
    const { p, file, before, env, global } = await cutOver();
    const person = scriptedPrompter([false]);
    const sent = legacy.requests.length;
    const r = await runInProcess(loadRollback, { restart: false }, { cwd: p.dir, processEnv: env, global, prompter: person.prompter });
    expect(r.exitCode).toBe(130);
    expect(r.stderr).toContain('rollback cancelled; nothing was changed');
    expect(person.asked).toEqual(['Restore 1 env file(s) of canary?']);
    expect(await fs.readFile(file, 'utf8')).toBe(targetText(o));
    const after = await fs.stat(file);
    expect([after.ino, after.mode & 0o777]).toEqual([before.ino, 0o600]);
    expect(await fs.readdir(p.stateDir)).not.toContain('locks');
    expect(legacy.requests.length).toBe(sent); // not even the verify probe
  });

  it('a scripted "yes": the env file is restored and verified against legacy, exit 0', async () => {
    const { p, file, env, global } = await cutOver();
    const person = scriptedPrompter([true]);
    const sent = legacy.requests.length;
    const r = await runInProcess(loadRollback, { restart: false }, { cwd: p.dir, processEnv: env, global, prompter: person.prompter });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(person.unasked()).toEqual([]);
    expect(await fs.readFile(file, 'utf8')).toBe(legacyText(o));
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
    expect(legacy.requests.length).toBeGreaterThan(sent); // verified with the restored key
    expect(r.stdout + r.stderr).not.toContain(KEYS.legacy);
  });

  it('nobody at a terminal and no --yes: exit 2 naming --yes, before any question, nothing changed', async () => {
    const { p, file, env, global } = await cutOver();
    const person = scriptedPrompter([true], { nobody: 'stdin is not a terminal' });
    const r = await runInProcess(loadRollback, { restart: false }, { cwd: p.dir, processEnv: env, global, prompter: person.prompter });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('error: rollback needs --yes: it asks for confirmation before restoring the env files, and stdin is not a terminal, so nobody can answer\n');
    expect(person.asked).toEqual([]);
    expect(await fs.readFile(file, 'utf8')).toBe(targetText(o));
    expect(await fs.readdir(p.stateDir)).not.toContain('locks');
  });

  it('--yes with nobody at a terminal asks nothing and restores', async () => {
    const { p, file, env, global } = await cutOver();
    const r = await runInProcess(loadRollback, { restart: false }, { cwd: p.dir, processEnv: env, global: { ...global, yes: true }, prompter: noTerminal({ yes: true }) });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(await fs.readFile(file, 'utf8')).toBe(legacyText(o));
    expect(path.basename(file)).toBe('.env.canary');
  });
});
