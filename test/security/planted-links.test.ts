// A user who may write the project directory plants `.env.canary -> <a file only root may
// write>`. Root's ramp, backup and rollback must refuse the link (never write, never copy the
// file it leads to), while a link root or the file's owner made keeps working. Also here: the
// rollback refuses up front, with nothing restored, a file this user may not write; and the
// ramp's --dry-run warns about a loose mode before the ramp would put a key in the file.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempProject } from '../helpers/cli.js';
import { CANARY, configYaml, LEGACY_KEY, legacyEnvFile, migrate, probeRamp, project, providers, TARGET_KEY } from '../ramp/helpers.js';

const ATTACKER = 4321;
const isRoot = process.getuid?.() === 0;

/** A file only root may reach (its directory is root 0700), as /etc/shadow is. */
async function victim(): Promise<string> {
  const dir = tempProject('migrate-victim-');
  await fs.chmod(dir, 0o700);
  const file = path.join(dir, 'secret.conf');
  await fs.writeFile(file, 'ROOT_ONLY=do-not-touch\n', { mode: 0o600 });
  return file;
}

async function plantedProject(legacyUrl: string, targetUrl: string, linkOwner: number) {
  const dir = project({ 'migrate.yaml': configYaml({ legacyUrl, targetUrl, environments: CANARY, ramp: probeRamp('100', '400ms', '200ms') }) });
  const target = await victim();
  const link = path.join(dir, '.env.canary');
  await fs.symlink(target, link);
  await fs.lchown(link, linkOwner, linkOwner);
  return { dir, target, link };
}

describe.skipIf(!isRoot)('a symlinked env file planted by another user, as root', () => {
  it('ramp and backup refuse it (exit 2, naming the link and the fix): the file it leads to is neither written nor copied', async () => {
    const { legacy, target } = await providers();
    const p = await plantedProject(legacy.url, target.url, ATTACKER);

    for (const args of [
      ['ramp', '--env', 'canary', '--yes'],
      ['backup', '--env', 'canary'],
    ]) {
      const r = await migrate(p.dir, args, { targetUrl: target.url });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(`the symlink ${p.link} is owned by uid ${ATTACKER} but leads to ${p.target}, owned by uid 0: refused`);
      expect(r.stderr).toContain(`chown -h 0 ${p.link}`);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    expect(await fs.readFile(p.target, 'utf8')).toBe('ROOT_ONLY=do-not-touch\n');
    expect(await fs.readdir(path.join(p.dir, '.migrate/backups')).catch(() => [])).toEqual([]);
    expect(target.count()).toBe(0);
  }, 30_000);

  it('rollback refuses it before restoring anything (exit 3), even with a backup of it', async () => {
    const { legacy, target } = await providers();
    const p = await plantedProject(legacy.url, target.url, 0); // root's own link: trusted, so the backup is taken
    const backup = await migrate(p.dir, ['backup', '--env', 'canary'], { targetUrl: target.url });
    expect(backup.code, backup.stderr).toBe(0);
    await fs.writeFile(p.target, 'ROOT_ONLY=changed-since\n');
    await fs.lchown(p.link, ATTACKER, ATTACKER); // now it is the other user's link

    const r = await migrate(p.dir, ['rollback', '--env', 'canary', '--yes', '--no-restart'], { targetUrl: target.url });

    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toContain(`cannot roll back: ${p.link}: the symlink ${p.link} is owned by uid ${ATTACKER}`);
    expect(r.stderr).toContain('nothing was restored');
    expect(await fs.readFile(p.target, 'utf8')).toBe('ROOT_ONLY=changed-since\n');
  }, 30_000);

  it("a link the file's owner made is followed as before: the ramp writes the file it leads to, the link stays", async () => {
    const { legacy, target } = await providers();
    const dir = project({
      'migrate.yaml': configYaml({ legacyUrl: legacy.url, targetUrl: target.url, ramp: probeRamp('100', '400ms', '200ms') }),
      'shared/.env': legacyEnvFile(legacy.url),
    });
    await fs.symlink('shared/.env', path.join(dir, '.env.canary'));
    await fs.lchown(path.join(dir, '.env.canary'), ATTACKER, ATTACKER);
    await fs.chown(path.join(dir, 'shared/.env'), ATTACKER, ATTACKER);

    const r = await migrate(dir, ['ramp', '--env', 'canary', '--yes'], { targetUrl: target.url });

    expect(r.code, r.stderr).toBe(0);
    expect((await fs.lstat(path.join(dir, '.env.canary'))).isSymbolicLink()).toBe(true);
    expect(await fs.readFile(path.join(dir, 'shared/.env'), 'utf8')).toContain(`OPENAI_API_KEY=${TARGET_KEY}`);
  }, 30_000);
});

describe.skipIf(!isRoot)('rollback as a non-root user checks every file is writable before restoring any', () => {
  it('a file it may not write stops it with exit 3 and the others as they were', async () => {
    const { legacy, target } = await providers();
    const env = ['  canary:', '    envFiles: [.env.a, .env.b]'];
    const dir = project({ 'migrate.yaml': configYaml({ legacyUrl: legacy.url, targetUrl: target.url, environments: env }), '.env.a': 'A=1\n', '.env.b': 'B=1\n' });
    await fs.chmod(dir, 0o755);
    for (const f of ['migrate.yaml', '.env.a']) await fs.chown(path.join(dir, f), ATTACKER, ATTACKER);
    await fs.chown(dir, ATTACKER, ATTACKER);
    const as = (args: string[]) => runCli(args, { cwd: dir, user: ATTACKER, env: { LEGACY_KEY, TARGET_KEY, CI: 'true' } });
    expect((await as(['backup', '--env', 'canary'])).exitCode).toBe(0);
    await fs.writeFile(path.join(dir, '.env.a'), 'A=2\n');
    await fs.writeFile(path.join(dir, '.env.b'), 'B=2\n'); // root's 0644: the operator may read it, not write it

    const r = await as(['rollback', '--env', 'canary', '--yes', '--no-restart']);

    expect(r.exitCode, String(r.stderr)).toBe(3);
    expect(r.stderr).toContain(`cannot roll back: ${path.join(dir, '.env.b')} is mode 0644, owner 0:0, and this user (uid ${ATTACKER}) may not write it; nothing was restored`);
    expect(await fs.readFile(path.join(dir, '.env.a'), 'utf8')).toBe('A=2\n');
    expect(await fs.readFile(path.join(dir, '.env.b'), 'utf8')).toBe('B=2\n');
  }, 30_000);
});

describe('ramp --dry-run', () => {
  it('warns before the ramp that an env file others may read would receive the key', async () => {
    const { legacy, target } = await providers();
    const dir = project({ 'migrate.yaml': configYaml({ legacyUrl: legacy.url, targetUrl: target.url }), '.env.canary': legacyEnvFile(legacy.url) });
    const file = path.join(dir, '.env.canary');
    await fs.chmod(file, 0o644);

    const loose = await migrate(dir, ['ramp', '--env', 'canary', '--dry-run'], { targetUrl: target.url });
    expect(loose.code, loose.stderr).toBe(0);
    expect(loose.stderr).toContain(`warning: ${file} will receive an API key and is mode 0644 (group or others may read it): run \`chmod 600 ${file}\` before the ramp`);
    expect((await fs.stat(file)).mode & 0o777).toBe(0o644);

    await fs.chmod(file, 0o600);
    const tight = await migrate(dir, ['ramp', '--env', 'canary', '--dry-run'], { targetUrl: target.url });
    expect(tight.stderr).not.toContain('will receive an API key');
  }, 30_000);
});
