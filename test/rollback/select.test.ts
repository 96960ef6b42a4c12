import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RollbackError } from '../../src/errors.js';
import { selectBackup } from '../../src/core/rollback/select.js';
import { backupOf, tempDir } from './helpers.js';

const HOUR = 3_600_000;
let setups = 0;

/**
 * Two canary backups a day apart and a ramp started between them (`newer` was taken mid-ramp).
 * Backup ids never go back in time within a process, so each setup is placed in its own future
 * (and tells selectBackup what time it is there).
 */
async function setup() {
  const dir = tempDir();
  const stateDir = path.join(dir, '.migrate');
  const file = { path: '.env.canary', absolute: path.join(dir, '.env.canary') };
  await fs.writeFile(file.absolute, 'OPENAI_BASE_URL=https://api.openai.com/v1\n');
  const t0 = Date.now() + ++setups * 100 * HOUR;
  const older = await backupOf(stateDir, 'canary', [file], new Date(t0));
  const newer = await backupOf(stateDir, 'canary', [file], new Date(t0 + 24 * HOUR));
  const production = await backupOf(stateDir, 'production', [file], new Date(t0 + 48 * HOUR));
  const rampStarted = new Date(t0 + 12 * HOUR).toISOString();
  // "now" is after them all: backups dated in the future are not picked by default.
  return { stateDir, older, newer, production, rampStarted, beforeAll: new Date(t0 - HOUR).toISOString(), now: new Date(t0 + 72 * HOUR) };
}

describe('selectBackup', () => {
  it('takes the newest backup of the environment by default, not another environment’s', async () => {
    const { stateDir, now, newer } = await setup();
    const choice = await selectBackup({ stateDir, now, environment: 'canary' });
    expect(choice).toMatchObject({ reason: 'newest', backup: { id: newer.id } });
  });

  it('prefers the backup the ramp recorded over a newer one taken mid-ramp', async () => {
    const { stateDir, now, older, rampStarted } = await setup();
    const choice = await selectBackup({ stateDir, now, environment: 'canary', ramp: { backupId: older.id, startedAt: rampStarted } });
    expect(choice).toMatchObject({ reason: 'ramp', backup: { id: older.id } });
  });

  it('when the ramp recorded no backup, takes the newest taken before the ramp started, not one taken mid-ramp', async () => {
    const { stateDir, now, older, rampStarted } = await setup();
    const choice = await selectBackup({ stateDir, now, environment: 'canary', ramp: { startedAt: rampStarted } });
    expect(choice).toMatchObject({ reason: 'newest', backup: { id: older.id } });
    expect(choice.note).toBe(`the ramp recorded no backup; using the newest backup taken before the ramp started (${rampStarted})`);
  });

  it('when the ramp’s backup is gone, takes the newest taken before the ramp started, and says so', async () => {
    const { stateDir, now, older, rampStarted } = await setup();
    const gone = '20260101T090000.000Z-canary-dead';
    const choice = await selectBackup({ stateDir, now, environment: 'canary', ramp: { backupId: gone, startedAt: rampStarted } });
    expect(choice.backup.id).toBe(older.id);
    expect(choice.note).toBe(`the ramp's backup ${gone} is gone or damaged; using the newest backup taken before the ramp started (${rampStarted})`);
  });

  it('refuses (exit 3) when every backup was taken after the ramp started, naming --to', async () => {
    const { stateDir, now, beforeAll: startedAt } = await setup();
    await expect(selectBackup({ stateDir, now, environment: 'canary', ramp: { startedAt } })).rejects.toMatchObject({
      exitCode: 3,
      message: `no backup of canary taken before its ramp started (${startedAt}) to roll back to; list backups with \`migrate backup list --env canary\``,
      hint: 'pick one with `migrate rollback --env canary --to ID`',
    });
  });

  it('--to picks an older backup', async () => {
    const { stateDir, now, older, rampStarted } = await setup();
    const choice = await selectBackup({ stateDir, now, environment: 'canary', to: older.id, ramp: { backupId: 'x', startedAt: rampStarted } });
    expect(choice).toMatchObject({ reason: 'requested', backup: { id: older.id } });
  });

  it('an unknown --to id is exit 3 with the command that lists backups', async () => {
    const { stateDir, now } = await setup();
    const err = await selectBackup({ stateDir, now, environment: 'canary', to: '20260101T000000.000Z-canary-ffff' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RollbackError);
    expect(err).toMatchObject({
      exitCode: 3,
      message: expect.stringContaining('no backup 20260101T000000.000Z-canary-ffff'),
      hint: expect.stringContaining('`migrate backup list --env canary`'),
    });
  });

  it('refuses a --to backup of another environment', async () => {
    const { stateDir, now, production } = await setup();
    await expect(selectBackup({ stateDir, now, environment: 'canary', to: production.id })).rejects.toMatchObject({
      exitCode: 3,
      message: `backup ${production.id} belongs to production, not canary`,
    });
  });

  it('no backup at all is one line of exit 3 that says how to list backups', async () => {
    const stateDir = path.join(tempDir(), '.migrate');
    await expect(selectBackup({ stateDir, environment: 'canary' })).rejects.toMatchObject({
      exitCode: 3,
      message: 'no backup of canary to roll back to; list backups with `migrate backup list --env canary`',
      hint: 'take one with `migrate backup --env canary` before changing env files',
    });
  });

  it('passes over a backup dated in the future (beyond 5 minutes of clock skew) and names it; --to still picks it, with the warning', async () => {
    const { stateDir, newer } = await setup();
    const between = new Date(Date.parse(newer.manifest.created) + 12 * HOUR);
    const planted = await backupOf(
      stateDir,
      'canary',
      [{ path: '.env.canary', absolute: path.join(path.dirname(stateDir), '.env.canary') }],
      new Date(between.getTime() + 24 * HOUR),
    );
    const choice = await selectBackup({ stateDir, environment: 'canary', now: between });
    expect(choice.backup.id).toBe(newer.id);
    expect(choice.warnings).toEqual([
      `backup ${planted.id} is dated ${planted.manifest.created}, in the future (this host says ${between.toISOString()}): passed over; pick it only with --to ${planted.id}`,
    ]);
    const forced = await selectBackup({ stateDir, environment: 'canary', now: between, to: planted.id });
    expect(forced).toMatchObject({ reason: 'requested', backup: { id: planted.id } });
    expect(forced.warnings).toEqual([expect.stringContaining(`backup ${planted.id} is dated ${planted.manifest.created}, in the future`)]);
  });

  it('a backup within the clock-skew allowance is still the newest', async () => {
    const { stateDir, newer } = await setup();
    const now = new Date(Date.parse(newer.manifest.created) - 4 * 60_000);
    const choice = await selectBackup({ stateDir, environment: 'canary', now });
    expect(choice).toMatchObject({ backup: { id: newer.id }, warnings: [] });
  });

  it('refuses when the newest backup is damaged, naming it and the good one to pass with --to', async () => {
    const { stateDir, now, older, newer } = await setup();
    await fs.writeFile(path.join(newer.dir, 'manifest.json'), '{');
    const err = await selectBackup({ stateDir, now, environment: 'canary' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RollbackError);
    expect((err as RollbackError).message).toBe(
      `the newest backup of canary, ${newer.id}, is damaged (manifest.json is not valid JSON); refusing to restore an older one by default`,
    );
    expect((err as RollbackError).hint).toContain(`--to ${older.id}`);
    // Naming one, or restoring the one the ramp recorded, is not affected.
    expect(await selectBackup({ stateDir, now, environment: 'canary', to: older.id })).toMatchObject({ backup: { id: older.id } });
    expect(await selectBackup({ stateDir, now, environment: 'canary', ramp: { backupId: older.id, startedAt: new Date(0).toISOString() } })).toMatchObject({
      reason: 'ramp',
      backup: { id: older.id },
    });
  });

  it('refuses when the backup the ramp recorded is damaged (not gone): an older one is not the state before the ramp', async () => {
    const { stateDir, now, older, newer, rampStarted } = await setup();
    await fs.writeFile(path.join(newer.dir, 'manifest.json'), '{');
    const ramp = { backupId: newer.id, startedAt: new Date(Date.parse(newer.manifest.created) + HOUR).toISOString() };
    const err = await selectBackup({ stateDir, now, environment: 'canary', ramp }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RollbackError);
    expect(err).toMatchObject({ exitCode: 3 });
    expect((err as RollbackError).message).toBe(
      `the ramp's backup of canary, ${newer.id}, is damaged (manifest.json is not valid JSON); refusing to restore an older one by default`,
    );
    expect((err as RollbackError).hint).toContain(`--to ${older.id}`);
    // Gone (not damaged) still falls back to the newest taken before the ramp, as above.
    const gone = await selectBackup({ stateDir, now, environment: 'canary', ramp: { backupId: '20260101T090000.000Z-canary-dead', startedAt: rampStarted } });
    expect(gone.backup.id).toBe(older.id);
  });

  it('is not stopped by a damaged backup older than the one it picks, nor by an unfinished newer one', async () => {
    const { stateDir, now, older, newer } = await setup();
    await fs.writeFile(path.join(older.dir, 'manifest.json'), '{');
    const stamp = (ms: number) => new Date(now.getTime() - ms).toISOString().replace(/[-:]/g, '');
    await fs.mkdir(path.join(stateDir, 'backups', `${stamp(60_000)}-canary-0000`)); // still being written
    await fs.mkdir(path.join(stateDir, 'backups', `${stamp(2 * HOUR)}-canary-0001`)); // left by a crash
    expect(await selectBackup({ stateDir, now, environment: 'canary' })).toMatchObject({ reason: 'newest', backup: { id: newer.id } });
  });
});
