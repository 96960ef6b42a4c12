import { createHash } from 'node:crypto';
import { promises as fs, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createBackup } from '../../src/core/state/backups.js';
import { listBackups, readBackup, pruneBackups, scanBackups } from '../../src/core/state/backup-store.js';
import { verifyBackup, checkBackup } from '../../src/core/state/backup-verify.js';
import { ExitCode } from '../../src/errors.js';
import { modeOf, useTmp } from './tmp.js';

const tmp = useTmp();

async function project(files: Record<string, { content: string; mode?: number }>) {
  const dir = tmp();
  for (const [name, f] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await fs.writeFile(path.join(dir, name), f.content);
    await fs.chmod(path.join(dir, name), f.mode ?? 0o644);
  }
  const stateDir = path.join(dir, '.migrate');
  const source = (name: string) => ({ path: name, absolute: path.join(dir, name) });
  return { dir, stateDir, source };
}

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

describe('createBackup', () => {
  it('copies the env files with a manifest, private modes and correct checksums', async () => {
    const canary = 'OPENAI_BASE_URL=https://api.openai.com/v1\nOPENAI_API_KEY=sk-legacy-123\n';
    const worker = '# worker\nLLM_TARGET_WEIGHT=5\n';
    const p = await project({ '.env.canary': { content: canary, mode: 0o644 }, 'worker/.env': { content: worker, mode: 0o640 } });
    const backup = await createBackup({
      stateDir: p.stateDir,
      environment: 'canary',
      files: [p.source('.env.canary'), p.source('worker/.env')],
      message: 'before ramp',
      toolVersion: '0.1.0',
      pointsAt: (f) => (f.content.includes('api.openai.com') ? 'legacy' : 'unknown'),
    });

    const manifest = JSON.parse(await fs.readFile(path.join(backup.dir, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({
      version: 1,
      id: backup.id,
      environment: 'canary',
      message: 'before ramp',
      toolVersion: '0.1.0',
      user: expect.any(String),
      host: expect.any(String),
    });
    expect(Date.parse(manifest.created)).toBeGreaterThan(Date.now() - 60_000);
    expect(manifest.files).toEqual([
      { path: '.env.canary', absolute: path.join(p.dir, '.env.canary'), stored: '0-.env.canary', sha256: sha(canary), mode: '0644', size: canary.length, pointsAt: 'legacy' },
      { path: 'worker/.env', absolute: path.join(p.dir, 'worker/.env'), stored: '1-.env', sha256: sha(worker), mode: '0640', size: worker.length, pointsAt: 'unknown' },
    ]);
    expect(await fs.readFile(path.join(backup.dir, '0-.env.canary'), 'utf8')).toBe(canary);
    expect(await fs.readFile(path.join(backup.dir, '1-.env'), 'utf8')).toBe(worker);

    for (const d of [p.stateDir, path.join(p.stateDir, 'backups'), backup.dir]) expect(modeOf(statSync(d))).toBe('0700');
    for (const f of ['0-.env.canary', '1-.env', 'manifest.json']) expect(modeOf(statSync(path.join(backup.dir, f)))).toBe('0600');
    // The manifest describes files; it never copies their values.
    expect(await fs.readFile(path.join(backup.dir, 'manifest.json'), 'utf8')).not.toContain('sk-legacy-123');
  });

  it('refuses files that are not there, naming each, and leaves no backup behind', async () => {
    const p = await project({ '.env.canary': { content: 'A=1\n' } });
    const attempt = createBackup({
      stateDir: p.stateDir,
      environment: 'canary',
      files: [p.source('.env.canary'), p.source('.env.missing'), p.source('gone/.env')],
      toolVersion: '0.1.0',
    });
    await expect(attempt).rejects.toMatchObject({
      exitCode: ExitCode.usage,
      message: 'cannot back up: env files .env.missing, gone/.env are missing',
      details: [expect.stringMatching(/^\.env\.missing: no such file/), expect.stringMatching(/^gone\/\.env: no such file/)],
    });
    expect(await fs.readdir(path.join(p.stateDir, 'backups')).catch(() => [])).toEqual([]);
  });

  it('gives unique ids that sort in the order backups were taken, even in a tight loop', async () => {
    const p = await project({ '.env': { content: 'A=1\n' } });
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) ids.push((await createBackup({ stateDir: p.stateDir, environment: 'canary', files: [p.source('.env')], toolVersion: 't' })).id);
    const parallel = await Promise.all(
      Array.from({ length: 20 }, () => createBackup({ stateDir: p.stateDir, environment: 'canary', files: [p.source('.env')], toolVersion: 't' })),
    );
    const all = [...ids, ...parallel.map((b) => b.id)];
    expect(new Set(all).size).toBe(50);
    expect([...ids].sort()).toEqual(ids);
    expect(ids[0]).toMatch(/^\d{8}T\d{6}\.\d{3}Z-canary-[0-9a-f]{4}$/);
    expect((await listBackups(p.stateDir)).map((b) => b.id)).toEqual([...all].sort().reverse());
  });
});

describe('listBackups', () => {
  it('lists newest first, filters by environment and ignores unfinished backups', async () => {
    const p = await project({ '.env': { content: 'A=1\n' } });
    const make = (environment: string) => createBackup({ stateDir: p.stateDir, environment, files: [p.source('.env')], toolVersion: 't' });
    const a = await make('canary');
    const b = await make('production');
    const c = await make('canary');
    await fs.mkdir(path.join(p.stateDir, 'backups', '20991231T000000.000Z-canary-abcd')); // crashed before its manifest

    expect((await listBackups(p.stateDir)).map((x) => x.id)).toEqual([c.id, b.id, a.id]);
    expect((await listBackups(p.stateDir, 'canary')).map((x) => x.id)).toEqual([c.id, a.id]);
    expect(await listBackups(path.join(p.dir, 'nowhere'))).toEqual([]);
  });
});

describe('scanBackups', () => {
  it('returns what listBackups does, plus damaged ones with a reason and old manifest-less ones as unfinished', async () => {
    const p = await project({ '.env': { content: 'OPENAI_API_KEY=sk-scan-SECRET-1\n' } });
    const make = (environment: string) => createBackup({ stateDir: p.stateDir, environment, files: [p.source('.env')], toolVersion: 't' });
    const good = await make('canary');
    const garbage = await make('canary');
    const wrongShape = await make('production');
    await fs.writeFile(path.join(garbage.dir, 'manifest.json'), 'not json');
    await fs.writeFile(path.join(wrongShape.dir, 'manifest.json'), JSON.stringify({ ...wrongShape.manifest, files: [] }));
    const now = new Date(Date.parse(good.manifest.created) + 30 * 60_000);
    const crashed = '20000101T000000.000Z-canary-abcd'; // no manifest, long ago
    const writing = `${new Date(now.getTime() - 60_000).toISOString().replace(/[-:]/g, '')}-canary-beef`; // no manifest yet
    for (const id of [crashed, writing]) await fs.mkdir(path.join(p.stateDir, 'backups', id));

    const all = await scanBackups(p.stateDir, undefined, now);
    expect(all.backups.map((b) => b.id)).toEqual((await listBackups(p.stateDir)).map((b) => b.id));
    expect(all.backups.map((b) => b.id)).toEqual([good.id]);
    expect(all.damaged).toEqual([
      { id: wrongShape.id, environment: 'production', state: 'damaged', reason: expect.stringMatching(/^manifest\.json files: /) },
      { id: garbage.id, environment: 'canary', state: 'damaged', reason: 'manifest.json is not valid JSON' },
      { id: crashed, environment: 'canary', state: 'unfinished', reason: 'manifest.json is missing' },
    ]);
    expect((await scanBackups(p.stateDir, 'canary', now)).damaged.map((d) => d.id)).toEqual([garbage.id, crashed]);
    expect(JSON.stringify(all.damaged)).not.toContain('SECRET');
  });
});

describe('verifyBackup', () => {
  async function oneBackup() {
    const p = await project({ '.env': { content: 'OPENAI_BASE_URL=https://legacy/v1\n' }, '.env.b': { content: 'B=2\n' } });
    const made = await createBackup({ stateDir: p.stateDir, environment: 'canary', files: [p.source('.env'), p.source('.env.b')], toolVersion: 't' });
    return { p, backup: await readBackup(p.stateDir, made.id) };
  }

  it('accepts an intact backup', async () => {
    const { backup } = await oneBackup();
    await expect(verifyBackup(backup)).resolves.toBeUndefined();
  });

  it('refuses a backup with one flipped byte, naming the file', async () => {
    const { backup } = await oneBackup();
    const copy = path.join(backup.dir, '0-.env');
    const bytes = await fs.readFile(copy);
    bytes[3] = bytes[3]! ^ 0x01;
    await fs.writeFile(copy, bytes);
    await expect(verifyBackup(backup)).rejects.toMatchObject({
      exitCode: ExitCode.rollbackIncomplete,
      message: expect.stringContaining('corrupted'),
      details: [expect.stringMatching(/^\.env \(.*0-\.env\): sha256 does not match/)],
    });
  });

  it('refuses a backup with a missing or truncated copy', async () => {
    const { backup } = await oneBackup();
    await fs.rm(path.join(backup.dir, '1-.env.b'));
    await fs.appendFile(path.join(backup.dir, '0-.env'), 'X');
    expect((await checkBackup(backup)).map((p) => [p.file.path, p.problem])).toEqual([
      ['.env', expect.stringMatching(/^size is \d+ bytes, manifest says \d+$/)],
      ['.env.b', 'stored copy is missing'],
    ]);
    await expect(verifyBackup(backup)).rejects.toThrow(/corrupted/);
  });

  it('readBackup refuses unknown ids and damaged manifests with exit 3', async () => {
    const { p, backup } = await oneBackup();
    await expect(readBackup(p.stateDir, '20200101T000000.000Z-canary-0000')).rejects.toMatchObject({ exitCode: 3, hint: expect.stringContaining('migrate backup list') });
    await fs.writeFile(path.join(backup.dir, 'manifest.json'), '{"version":1,');
    await expect(readBackup(p.stateDir, backup.id)).rejects.toThrow(/unfinished or damaged: manifest.json is not valid JSON/);
    await expect(readBackup(p.stateDir, '../../etc')).rejects.toMatchObject({ exitCode: ExitCode.usage });
  });
});

describe('pruneBackups', () => {
  it('keeps the newest N of the environment plus protected ones, and cleans crashed leftovers', async () => {
    const p = await project({ '.env': { content: 'A=1\n' } });
    const make = (environment: string) => createBackup({ stateDir: p.stateDir, environment, files: [p.source('.env')], toolVersion: 't' });
    const canary: string[] = [];
    for (let i = 0; i < 6; i++) canary.push((await make('canary')).id);
    const prod = (await make('production')).id;
    const leftover = '20000101T000000.000Z-canary-dead';
    const fresh = `${new Date().toISOString().replace(/[-:]/g, '')}-canary-beef`; // maybe still being written
    await fs.mkdir(path.join(p.stateDir, 'backups', leftover));
    await fs.mkdir(path.join(p.stateDir, 'backups', fresh));

    const removed = await pruneBackups(p.stateDir, 'canary', 2, { protect: [canary[1]!] });

    expect(removed.sort()).toEqual([canary[0], canary[2], canary[3], leftover].sort());
    const left = (await fs.readdir(path.join(p.stateDir, 'backups'))).sort();
    expect(left).toEqual([canary[1], canary[4], canary[5], prod, fresh].sort());
  });
});
