import { promises as fs } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeProject, migrate, startMigrate, type Project } from './cli.js';
import { deadPid, liveProcess, tempDir, writeLock } from './helpers.js';

// `migrate backup` prunes old backups: during a rollback that could delete the very backup
// being restored. It takes the environment's lock like rollback and ramp do.

// Nothing here talks to a provider: any URL will do.
const opts = { legacyUrl: 'http://127.0.0.1:9/v1', targetUrl: 'http://127.0.0.1:9/v2' };

async function project(): Promise<Project> {
  const p = await makeProject(tempDir(), opts);
  await fs.appendFile(p.config, 'backup: { keep: 1 }\n');
  return p;
}

async function backups(p: Project): Promise<string[]> {
  return (await fs.readdir(path.join(p.stateDir, 'backups')).catch(() => [] as string[])).sort();
}

async function backUp(p: Project): Promise<string> {
  const r = await migrate(p, ['backup', '--env', 'canary']);
  expect(r.exitCode, r.stderr).toBe(0);
  return r.stdout.trim();
}

/** `migrate backup --env canary` in the background, with its output as it comes. */
function startBackup(p: Project) {
  const child = startMigrate(p, ['backup', '--env', 'canary']);
  let stdout = '';
  let stderr = '';
  let done = false;
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = child.then((r) => r.exitCode ?? null).finally(() => (done = true));
  const said = async (text: string) => {
    while (!stderr.includes(text)) {
      if (done) throw new Error(`exited without saying "${text}": ${stderr}`);
      await sleep(50);
    }
  };
  return { child, exited, said, done: () => done, stdout: () => stdout, stderr: () => stderr };
}

describe('migrate backup and the environment lock', () => {
  it('waits while a rollback holds the lock, prunes nothing meanwhile, and backs up once it is released', async () => {
    const p = await project();
    const first = await backUp(p);
    const rollback = liveProcess();
    const lock = await writeLock(p.stateDir, 'canary', { pid: rollback.pid!, command: 'migrate rollback', user: 'root' });

    const running = startBackup(p);
    await running.said('waiting for migrate rollback'); // a fixed sleep would race a slow start
    await sleep(500);
    expect(running.done()).toBe(false);
    expect(await backups(p)).toEqual([first]); // nothing created, nothing pruned under the rollback

    await fs.rm(lock); // the rollback finishes
    expect(await running.exited).toBe(0);
    expect(running.stderr()).toContain(`waiting for migrate rollback (pid ${rollback.pid}) to finish with canary`);
    const second = running.stdout().trim();
    expect(await backups(p)).toEqual([second]); // keep: 1, pruned only after the rollback let go
    await expect(fs.stat(lock)).rejects.toMatchObject({ code: 'ENOENT' }); // and released its own lock
  });

  it('Ctrl-C while waiting for a rollback exits 130 and changes nothing', async () => {
    const p = await project();
    const first = await backUp(p);
    await writeLock(p.stateDir, 'canary', { pid: liveProcess().pid!, command: 'migrate rollback' });
    const running = startBackup(p);
    await running.said('waiting for migrate rollback');
    running.child.kill('SIGINT');
    expect(await running.exited).toBe(130);
    expect(running.stderr()).toMatch(/error: interrupted while waiting for pid \d+ \(migrate rollback\); nothing was changed/);
    expect(await backups(p)).toEqual([first]);
  });

  it('refuses at once (exit 2) while a ramp holds the lock, naming it; nothing created or pruned', async () => {
    const p = await project();
    const first = await backUp(p);
    const ramp = liveProcess();
    await writeLock(p.stateDir, 'canary', { pid: ramp.pid!, command: 'migrate ramp', user: 'root' });
    const r = await migrate(p, ['backup', '--env', 'canary']);
    expect(r.exitCode, r.stderr).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe(`error: environment canary is locked by pid ${ramp.pid} (migrate ramp, run by root) since 2026-01-01T00:00:00.000Z`);
    expect(await backups(p)).toEqual([first]);
  });

  it('takes over a dead process’s lock and removes temp files that killed runs left in locks/ and state/', async () => {
    const p = await project();
    const dead = await deadPid();
    const alive = liveProcess().pid!;
    await writeLock(p.stateDir, 'canary', { pid: dead, command: 'migrate rollback' });
    const locks = path.join(p.stateDir, 'locks');
    const state = path.join(p.stateDir, 'state');
    await fs.mkdir(state, { recursive: true });
    const old = new Date(Date.now() - 60_000);
    const leftovers = [
      path.join(locks, `canary.lock.${dead}.deadbeef.tmp`),
      path.join(locks, `canary.lock.takeover-0123456789abcdef.0.${dead}.cafebabe.tmp`),
      path.join(state, `.canary.json.${dead}.0badf00d.tmp`),
    ];
    const kept = [
      path.join(locks, `canary.lock.${alive}.12345678.tmp`), // its writer still runs
      path.join(locks, `production.lock.${dead}.87654321.tmp`), // written a moment ago: maybe another host's
      path.join(locks, 'notes.tmp'), // not one of ours
    ];
    for (const f of [...leftovers, ...kept]) await fs.writeFile(f, '{}');
    for (const f of [...leftovers, ...kept.slice(0, 1), ...kept.slice(2)]) await fs.utimes(f, old, old);

    const r = await migrate(p, ['backup', '--env', 'canary']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toContain(`took over a stale lock of canary (pid ${dead} is gone)`);
    for (const f of leftovers) await expect(fs.stat(f), f).rejects.toMatchObject({ code: 'ENOENT' });
    for (const f of kept) expect((await fs.stat(f)).isFile(), f).toBe(true);
  });
});
