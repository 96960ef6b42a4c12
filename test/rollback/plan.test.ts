import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describePlan } from '../../src/core/rollback/render.js';
import { planRestore } from '../../src/core/rollback/plan.js';
import { readBackup } from '../../src/core/state/backup-store.js';
import { KEYS, backupOf, envText, tempDir } from './helpers.js';

const providers = {
  legacy: { baseUrl: 'https://api.openai.com/v1' },
  target: { baseUrl: 'https://relay.example/v1', nodes: [{ baseUrl: 'https://east.relay.example/v1' }] },
};

async function setup() {
  const dir = tempDir();
  const stateDir = path.join(dir, '.migrate');
  const app = { path: 'env/app.env', absolute: path.join(dir, 'env/app.env') };
  const worker = { path: 'env/worker.env', absolute: path.join(dir, 'env/worker.env') };
  await fs.mkdir(path.join(dir, 'env'));
  await fs.writeFile(app.absolute, envText('https://api.openai.com/v1', KEYS.legacy));
  await fs.writeFile(worker.absolute, 'QUEUE=jobs\n', { mode: 0o640 });
  const made = await backupOf(stateDir, 'canary', [app, worker]);
  return { dir, stateDir, app, worker, backup: await readBackup(stateDir, made.id) };
}

describe('planRestore', () => {
  it('names the keys the restore changes, adds and removes, and never their values', async () => {
    const { app, backup } = await setup();
    await fs.writeFile(app.absolute, envText('https://east.relay.example/v1', KEYS.target, { LLM_TARGET_WEIGHT: '50' }));
    const plan = await planRestore(backup, providers);
    expect(plan.files[0]).toMatchObject({
      path: 'env/app.env',
      changed: true,
      exists: true,
      diff: { changed: ['OPENAI_API_KEY', 'OPENAI_BASE_URL'], added: [], removed: ['LLM_TARGET_WEIGHT'] },
    });
    expect(plan.files[1]).toMatchObject({ path: 'env/worker.env', changed: false });
    expect(plan.pointsAt).toBe('legacy');
    const text = describePlan(plan).join('\n');
    expect(text).toBe('  env/app.env: change OPENAI_API_KEY, OPENAI_BASE_URL; remove LLM_TARGET_WEIGHT\n  env/worker.env: already matches the backup');
    for (const value of [KEYS.legacy, KEYS.target, KEYS.db, 'relay.example']) expect(text).not.toContain(value);
    // The restore content is the backup's exact bytes; secrets from both sides are known for redaction.
    expect(plan.files[0]!.content.toString()).toBe(envText('https://api.openai.com/v1', KEYS.legacy));
    expect(plan.secrets).toEqual(expect.arrayContaining([KEYS.legacy, KEYS.target, KEYS.db]));
  });

  it('plans to recreate a deleted file with the mode it had', async () => {
    const { worker, backup } = await setup();
    await fs.rm(worker.absolute);
    const plan = await planRestore(backup, providers);
    expect(plan.files[1]).toMatchObject({ exists: false, changed: true, mode: 0o640, diff: { added: ['QUEUE'] } });
    expect(describePlan(plan)[1]).toBe('  env/worker.env: missing, will be recreated (1 keys)');
  });

  it('sees a byte change that leaves every value the same (a comment)', async () => {
    const { app, backup } = await setup();
    await fs.appendFile(app.absolute, '# edited by hand\n');
    const plan = await planRestore(backup, providers);
    expect(plan.files[0]).toMatchObject({ changed: true, diff: { added: [], removed: [], changed: [] } });
    expect(describePlan(plan)[0]).toContain('same keys and values, other bytes differ');
  });

  it('lists configured env files the backup does not hold', async () => {
    const { dir, backup } = await setup();
    const plan = await planRestore(backup, providers, [path.join(dir, 'env/app.env'), path.join(dir, 'env/new.env')]);
    expect(plan.notInBackup).toEqual([path.join(dir, 'env/new.env')]);
  });

  it('refuses a stored copy that no longer matches its checksum', async () => {
    const { backup } = await setup();
    await fs.appendFile(path.join(backup.dir, backup.manifest.files[0]!.stored), 'X=1\n');
    await expect(planRestore(backup, providers)).rejects.toMatchObject({ exitCode: 3, message: expect.stringContaining('env/app.env') });
  });
});
