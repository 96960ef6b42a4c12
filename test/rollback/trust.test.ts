import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../../src/core/state/backup-plan.js';
import { startFakeProvider, type FakeProvider } from '../helpers/fake-provider.js';
import { legacyText, makeProject, migrate, pointAtTarget, targetText, type Project, type ProjectOptions } from './cli.js';
import { KEYS, tempDir } from './helpers.js';

// The attack a hostile reviewer ran: a user who may write the project directory (not root)
// plants a backup whose manifest names a file under a root-only directory, then waits for root
// to run `migrate rollback`. These tests run as root (as the incident responder would) and
// play the attacker with chown to an unprivileged uid.

const ATTACKER = 4321;
const PLANTED = 'planted by uid 4321\n';
let legacy: FakeProvider;
let target: FakeProvider;
let opts: ProjectOptions;

beforeAll(async () => {
  if (process.getuid?.() !== 0) throw new Error('these tests play root against an unprivileged attacker: run them as root');
  legacy = await startFakeProvider({ name: 'legacy', apiKey: KEYS.legacy });
  target = await startFakeProvider({ name: 'target', apiKey: KEYS.target });
  opts = { legacyUrl: legacy.url, targetUrl: target.url };
});
afterAll(async () => {
  await legacy?.close();
  await target?.close();
});

interface Plant {
  id: string;
  /** Where the manifest says the copy goes. */
  absolute: string;
  content?: string;
  environment?: string;
  created?: string;
}

/** A backup directory written by hand, as an attacker would: correct sha256, any target. */
async function plant(stateDir: string, p: Plant): Promise<string> {
  const dir = path.join(stateDir, 'backups', p.id);
  await fs.mkdir(dir, { recursive: true });
  const content = p.content ?? PLANTED;
  await fs.writeFile(path.join(dir, '0-copy'), content, { mode: 0o600 });
  const manifest = {
    version: 1,
    id: p.id,
    environment: p.environment ?? 'canary',
    created: p.created ?? idTime(p.id),
    user: 'mallory',
    host: os.hostname(),
    toolVersion: '0.0.0',
    files: [{ path: 'env/.env.canary', absolute: p.absolute, stored: '0-copy', sha256: sha256(content), mode: '0440', size: Buffer.byteLength(content), pointsAt: 'legacy' }],
  };
  await fs.writeFile(path.join(dir, 'manifest.json'), JSON.stringify(manifest), { mode: 0o600 });
  return dir;
}

function idTime(id: string): string {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})\.(\d{3})Z/.exec(id)!;
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.${m[7]}Z`;
}

async function chownR(dir: string, uid: number): Promise<void> {
  await fs.chown(dir, uid, uid);
  for (const name of await fs.readdir(dir, { recursive: true })) await fs.chown(path.join(dir, name), uid, uid);
}

/** A file under a directory only root may enter: what the attacker wants root to write. */
async function rootOnlyVictim(dir: string): Promise<string> {
  const vault = path.join(dir, 'root-only');
  await fs.mkdir(vault, { mode: 0o700 });
  return path.join(vault, 'authorized_keys');
}

async function exists(file: string): Promise<boolean> {
  return fs.stat(file).then(
    () => true,
    () => false,
  );
}

async function contents(p: Project): Promise<string[]> {
  return Promise.all(p.envFiles.map((f) => fs.readFile(f, 'utf8')));
}

function firstLine(text: string): string {
  return text.split('\n')[0]!;
}

describe('the state directory is trusted only when nobody else could have written it', () => {
  it('the planted-backup attack: a .migrate owned by another user is refused (exit 2) by rollback, dry run, backup list, status and ramp; nothing is written', async () => {
    const dir = tempDir();
    const p = await makeProject(dir, opts);
    await pointAtTarget(p, opts);
    const victim = await rootOnlyVictim(dir);
    await plant(p.stateDir, { id: '20991231T000000.000Z-canary-beef', absolute: victim });
    await chownR(p.stateDir, ATTACKER);
    const before = await contents(p);
    legacy.resetCounts();
    const expected = `error: refusing to use ${p.stateDir}: owned by uid ${ATTACKER}, not by root`;
    const hint = `hint: if you trust its contents, run \`chown -R root: ${p.stateDir} && chmod -R go-w ${p.stateDir}\`; otherwise move it aside and look at what is in it`;

    for (const args of [
      ['rollback', '--env', 'canary', '--yes'],
      ['rollback', '--env', 'canary', '--dry-run'],
      ['rollback', '--env', 'canary', '--yes', '--to', '20991231T000000.000Z-canary-beef'],
      ['backup', 'list', '--env', 'canary'],
      ['status', '--env', 'canary'],
      ['ramp', '--env', 'canary', '--yes'],
    ]) {
      const r = await migrate(p, args);
      expect(r.exitCode, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(firstLine(r.stderr), args.join(' ')).toBe(expected);
      expect(r.stderr).toContain(hint);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
      expect(r.stdout).not.toContain('restored');
    }
    expect(await exists(victim)).toBe(false);
    expect(await contents(p)).toEqual(before);
    expect(await exists(path.join(p.stateDir, 'audit.log'))).toBe(false); // nothing appended into the planted directory
    expect(legacy.count({ path: '/v1/chat/completions' })).toBe(0);
  });

  it('one planted backup directory owned by another user inside root’s .migrate is refused, naming that directory', async () => {
    const dir = tempDir();
    const p = await makeProject(dir, opts);
    await migrateBackup(p);
    await pointAtTarget(p, opts);
    const victim = await rootOnlyVictim(dir);
    const planted = await plant(p.stateDir, { id: '20991231T000000.000Z-canary-beef', absolute: victim });
    await chownR(planted, ATTACKER);
    const r = await migrate(p, ['rollback', '--env', 'canary', '--yes']);
    expect(r.exitCode, r.stderr).toBe(2);
    expect(firstLine(r.stderr)).toBe(`error: refusing to use ${planted}: owned by uid ${ATTACKER}, not by root`);
    expect(await exists(victim)).toBe(false);
    expect(await contents(p)).toEqual([targetText(opts)]);
  });

  it('a backup directory owned by root but writable by its group is refused, naming it and its mode', async () => {
    const dir = tempDir();
    const p = await makeProject(dir, opts);
    const good = await migrateBackup(p);
    await pointAtTarget(p, opts);
    const copy = path.join(p.stateDir, 'backups', good, '0-.env.canary');
    await fs.chmod(copy, 0o620);
    const r = await migrate(p, ['rollback', '--env', 'canary', '--yes']);
    expect(r.exitCode, r.stderr).toBe(2);
    expect(firstLine(r.stderr)).toBe(`error: refusing to use ${copy}: writable by its group (mode 0620)`);
    expect(await contents(p)).toEqual([targetText(opts)]);

    await fs.chmod(copy, 0o600);
    await fs.chmod(path.join(p.stateDir, 'backups'), 0o777);
    const list = await migrate(p, ['backup', 'list', '--env', 'canary']);
    expect(list.exitCode, list.stderr).toBe(2);
    expect(firstLine(list.stderr)).toBe(`error: refusing to use ${path.join(p.stateDir, 'backups')}: writable by group and others (mode 0777)`);
  });

  it('a .migrate that is a symlink is refused, even to a directory root owns', async () => {
    const dir = tempDir();
    const p = await makeProject(dir, opts);
    await migrateBackup(p);
    await pointAtTarget(p, opts);
    const elsewhere = path.join(dir, 'elsewhere');
    await fs.rename(p.stateDir, elsewhere);
    await fs.symlink(elsewhere, p.stateDir);
    for (const args of [['rollback', '--env', 'canary', '--yes'], ['status'], ['backup', '--env', 'canary']]) {
      const r = await migrate(p, args);
      expect(r.exitCode, r.stderr).toBe(2);
      expect(firstLine(r.stderr)).toBe(`error: refusing to use ${p.stateDir}: it is a symlink (to ${elsewhere}); migrate follows no links in its state directory`);
    }
    expect(await contents(p)).toEqual([targetText(opts)]);
    expect(await fs.readdir(path.join(elsewhere, 'backups'))).toHaveLength(1); // backup wrote nothing through the link
  });

  it('root’s own .migrate (0700, made by migrate) and one a user made with mkdir (0755) are both used', async () => {
    const p = await makeProject(tempDir(), opts);
    await fs.mkdir(p.stateDir, { mode: 0o755 });
    await fs.chmod(p.stateDir, 0o755);
    await migrateBackup(p);
    await pointAtTarget(p, opts);
    const r = await migrate(p, ['rollback', '--env', 'canary', '--yes']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(await contents(p)).toEqual([legacyText(opts)]);
  });
});

describe('run by a user who is not root', () => {
  /** The CLI as uid 4321 (no passwd entry: its name falls back to the uid), from its own project. */
  function migrateAs(uid: number, p: Project, args: string[]) {
    return migrate(p, args, { USER: '', LOGNAME: '' }, { user: uid, cwd: p.dir });
  }

  it('trusts its own .migrate and rolls back; refuses one owned by another user, naming both uids', async () => {
    const dir = tempDir();
    const p = await makeProject(dir, opts);
    await chownR(dir, ATTACKER); // here uid 4321 is the project's owner, running migrate itself
    const backup = await migrateAs(ATTACKER, p, ['backup', '--env', 'canary']);
    expect(backup.exitCode, backup.stderr).toBe(0);
    expect((await fs.stat(p.stateDir)).uid).toBe(ATTACKER);
    await pointAtTarget(p, opts);
    const r = await migrateAs(ATTACKER, p, ['rollback', '--env', 'canary', '--yes', '--no-restart']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(await contents(p)).toEqual([legacyText(opts)]);

    await chownR(p.stateDir, ATTACKER + 1);
    await pointAtTarget(p, opts);
    const refused = await migrateAs(ATTACKER, p, ['rollback', '--env', 'canary', '--yes', '--no-restart']);
    expect(refused.exitCode, refused.stderr).toBe(2);
    expect(firstLine(refused.stderr)).toBe(`error: refusing to use ${p.stateDir}: owned by uid ${ATTACKER + 1}, not by you (uid ${ATTACKER}) or root`);
    expect(refused.stderr).toContain(`chown -R ${ATTACKER}: ${p.stateDir} && chmod -R go-w ${p.stateDir}`);
    expect(await contents(p)).toEqual([targetText(opts)]);
  });
});

describe('a manifest may only restore the environment’s own env files', () => {
  it('a trusted backup whose manifest names a file outside envFiles is corrupted: exit 3 naming the id and the file, nothing written', async () => {
    const dir = tempDir();
    const p = await makeProject(dir, opts);
    await migrateBackup(p);
    await pointAtTarget(p, opts);
    const victim = await rootOnlyVictim(dir);
    const id = newerId();
    await plant(p.stateDir, { id, absolute: victim }); // owned by root, 0755/0600: passes the ownership rule
    const r = await migrate(p, ['rollback', '--env', 'canary', '--yes']);
    expect(r.exitCode, r.stderr).toBe(3);
    expect(firstLine(r.stderr)).toBe(`error: backup ${id} is corrupted: it would restore ${victim}, which is not an env file of canary; nothing was changed`);
    expect(r.stderr).toContain('hint: pick another with `migrate backup list --env canary` and `migrate rollback --env canary --to ID`');
    expect(await exists(victim)).toBe(false);
    expect(await contents(p)).toEqual([targetText(opts)]);
  });

  it('an env file named through a symlinked directory is the same file; a manifest for another environment is refused', async () => {
    const dir = tempDir();
    const p = await makeProject(dir, opts);
    await fs.symlink(path.join(dir, 'env'), path.join(dir, 'env-link'));
    const id = newerId();
    await plant(p.stateDir, { id, absolute: path.join(dir, 'env-link', '.env.canary'), content: legacyText(opts) });
    await pointAtTarget(p, opts);
    const ok = await migrate(p, ['rollback', '--env', 'canary', '--yes', '--no-restart']);
    expect(ok.exitCode, ok.stderr).toBe(0);
    expect(await contents(p)).toEqual([legacyText(opts)]);

    const other = newerId();
    await plant(p.stateDir, { id: other, absolute: p.envFiles[0]!, environment: 'production', content: targetText(opts) });
    // The id says canary, the manifest says production: listing skips it, --to refuses it.
    const r = await migrate(p, ['rollback', '--env', 'canary', '--yes', '--to', other]);
    expect(r.exitCode, r.stderr).toBe(3);
    expect(firstLine(r.stderr)).toBe(`error: backup ${other} belongs to production, not canary`);
    expect(await contents(p)).toEqual([legacyText(opts)]);
  });
});

describe('backups dated in the future', () => {
  it('are passed over by default and named in a warning; --to still restores one, with the warning', async () => {
    const dir = tempDir();
    const p = await makeProject(dir, opts);
    const good = await migrateBackup(p);
    const future = '20991231T000000.000Z-canary-beef';
    await plant(p.stateDir, { id: future, absolute: p.envFiles[0]!, content: targetText(opts) });
    await pointAtTarget(p, opts);
    const r = await migrate(p, ['rollback', '--env', 'canary', '--yes', '--no-restart']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      new RegExp(`warning: backup ${future} is dated 2099-12-31T00:00:00.000Z, in the future \\(this host says [^)]+\\): passed over; pick it only with --to ${future}`),
    );
    expect(r.stderr).toContain(`rolling back canary to backup ${good} (the newest;`);
    expect(await contents(p)).toEqual([legacyText(opts)]);

    const forced = await migrate(p, ['rollback', '--env', 'canary', '--yes', '--no-restart', '--to', future]);
    expect(forced.exitCode, forced.stderr).toBe(0);
    expect(forced.stderr).toContain(`backup ${future} is dated 2099-12-31T00:00:00.000Z, in the future`);
    expect(forced.stderr).toContain('restoring it because --to names it');
    expect(await contents(p)).toEqual([targetText(opts)]);
  });
});

/** `migrate backup` through the CLI; returns the id it printed. */
async function migrateBackup(p: Project): Promise<string> {
  const r = await migrate(p, ['backup', '--env', 'canary']);
  expect(r.exitCode, r.stderr).toBe(0);
  return r.stdout.trim();
}

/** An id a few seconds from now: newer than any backup a test just took, well within the clock-skew allowance. */
function newerId(): string {
  const stamp = new Date(Date.now() + 2000 + Math.floor(Math.random() * 1000)).toISOString().replace(/[-:]/g, '');
  return `${stamp}-canary-${Math.floor(Math.random() * 0xffff)
    .toString(16)
    .padStart(4, '0')}`;
}
