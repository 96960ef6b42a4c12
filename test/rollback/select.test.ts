import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RollbackError } from '../../src/errors.js';
import { selectBackup } from '../../src/core/rollback/select.js';
import { backupOf, tempDir } from './helpers.js';

async function setup() {
  const dir = tempDir();
  const stateDir = path.join(dir, '.migrate');
  const file = { path: '.env.canary', absolute: path.join(dir, '.env.canary') };
  await fs.writeFile(file.absolute, 'OPENAI_BASE_URL=https://api.openai.com/v1\n');
  const older = await backupOf(stateDir, 'canary', [file], new Date('2026-01-01T10:00:00Z'));
  const newer = await backupOf(stateDir, 'canary', [file], new Date('2026-01-02T10:00:00Z'));
  const production = await backupOf(stateDir, 'production', [file], new Date('2026-01-03T10:00:00Z'));
  return { stateDir, older, newer, production };
}

describe('selectBackup', () => {
  it('takes the newest backup of the environment by default, not another environment’s', async () => {
    const { stateDir, newer } = await setup();
    const choice = await selectBackup({ stateDir, environment: 'canary' });
    expect(choice).toMatchObject({ reason: 'newest', backup: { id: newer.id } });
  });

  it('prefers the backup the ramp recorded over a newer one taken mid-ramp', async () => {
    const { stateDir, older } = await setup();
    const choice = await selectBackup({ stateDir, environment: 'canary', rampBackupId: older.id });
    expect(choice).toMatchObject({ reason: 'ramp', backup: { id: older.id } });
  });

  it('falls back to the newest, and says so, when the ramp’s backup is gone', async () => {
    const { stateDir, newer, older } = await setup();
    await fs.rm(older.dir, { recursive: true });
    const choice = await selectBackup({ stateDir, environment: 'canary', rampBackupId: older.id });
    expect(choice.backup.id).toBe(newer.id);
    expect(choice.note).toContain(`the ramp's backup ${older.id} is gone or damaged`);
  });

  it('--to picks an older backup', async () => {
    const { stateDir, older } = await setup();
    const choice = await selectBackup({ stateDir, environment: 'canary', to: older.id, rampBackupId: 'x' });
    expect(choice).toMatchObject({ reason: 'requested', backup: { id: older.id } });
  });

  it('an unknown --to id is exit 3 with the command that lists backups', async () => {
    const { stateDir } = await setup();
    const err = await selectBackup({ stateDir, environment: 'canary', to: '20260101T000000.000Z-canary-ffff' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RollbackError);
    expect(err).toMatchObject({ exitCode: 3, message: expect.stringContaining('no backup 20260101T000000.000Z-canary-ffff'), hint: expect.stringContaining('`migrate backup list --env canary`') });
  });

  it('refuses a --to backup of another environment', async () => {
    const { stateDir, production } = await setup();
    await expect(selectBackup({ stateDir, environment: 'canary', to: production.id })).rejects.toMatchObject({
      exitCode: 3,
      message: `backup ${production.id} belongs to production, not canary`,
    });
  });

  it('no backup at all is exit 3 with the hint to list backups', async () => {
    const stateDir = path.join(tempDir(), '.migrate');
    await expect(selectBackup({ stateDir, environment: 'canary' })).rejects.toMatchObject({
      exitCode: 3,
      message: 'no backup of canary to roll back to',
      hint: expect.stringContaining('migrate backup list --env canary'),
    });
  });
});
