import { execFile, spawn } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../../src/core/state/backup-plan.js';
import { acquireLock, bootId, readLock } from '../../src/core/state/lock.js';
import { lockFile } from '../../src/core/state/paths.js';
import { useTmp } from './tmp.js';

const tmp = useTmp();
const builtLock = fileURLToPath(new URL('../../dist/core/state/lock.js', import.meta.url));

beforeAll(() => {
  // Child processes cannot load TypeScript; they use the build (npm test builds first).
  if (!existsSync(builtLock)) throw new Error('dist/ is missing: run `npx tsc -p tsconfig.json` first');
});

/**
 * A separate process that waits until `startAt`, tries to take the lock, prints what happened
 * as JSON, and if it won holds the lock for `holdMs` before exiting without releasing.
 */
function contender(stateDir: string, startAt: number, holdMs: number): Promise<{ won: boolean; takenOver?: unknown; error?: string }> {
  const script = `
    const { acquireLock } = await import(${JSON.stringify(pathToFileURL(builtLock).href)});
    await new Promise((r) => setTimeout(r, Math.max(0, ${startAt} - Date.now())));
    try {
      const lock = await acquireLock(${JSON.stringify(stateDir)}, 'canary', { command: 'migrate ramp' });
      console.log(JSON.stringify({ won: true, takenOver: lock.takenOver }));
      await new Promise((r) => setTimeout(r, ${holdMs}));
    } catch (err) {
      console.log(JSON.stringify({ won: false, error: err.message }));
    }`;
  return promisify(execFile)(process.execPath, ['--input-type=module', '-e', script]).then(({ stdout }) => JSON.parse(stdout));
}

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((r) => child.on('exit', r));
  return child.pid!;
}

describe('acquireLock', () => {
  it('lets exactly one of several processes racing for a free lock win', async () => {
    const stateDir = path.join(tmp(), '.migrate');
    const startAt = Date.now() + 400;
    const results = await Promise.all(Array.from({ length: 6 }, () => contender(stateDir, startAt, 1000)));
    expect(results.filter((r) => r.won)).toHaveLength(1);
    for (const r of results.filter((x) => !x.won)) expect(r.error).toMatch(/environment canary is locked by pid \d+ \(migrate ramp, run by [^)]+\) since /);
  });

  it('lets exactly one of several processes take over a stale lock, and says whose it was', async () => {
    const stateDir = path.join(tmp(), '.migrate');
    const pid = await deadPid();
    await fs.mkdir(path.dirname(lockFile(stateDir, 'canary')), { recursive: true });
    await fs.writeFile(lockFile(stateDir, 'canary'), JSON.stringify({ pid, host: os.hostname(), command: 'migrate rollback', time: '2026-01-01T00:00:00.000Z' }));
    const startAt = Date.now() + 400;
    const results = await Promise.all(Array.from({ length: 6 }, () => contender(stateDir, startAt, 1000)));
    const winners = results.filter((r) => r.won);
    expect(winners).toHaveLength(1);
    expect(winners[0]!.takenOver).toEqual({ pid, host: os.hostname(), command: 'migrate rollback', time: '2026-01-01T00:00:00.000Z', reason: 'dead' });
  });

  it('refuses a lock held by a live process, naming pid, command, user and time', async () => {
    const stateDir = path.join(tmp(), '.migrate');
    const held = await acquireLock(stateDir, 'canary', { command: 'migrate ramp' });
    const attempt = acquireLock(stateDir, 'canary', { command: 'migrate rollback' });
    await expect(attempt).rejects.toMatchObject({
      exitCode: 2,
      message: `environment canary is locked by pid ${process.pid} (migrate ramp, run by ${os.userInfo().username}) since ${held.info.time}`,
      hint: expect.stringContaining(`kill ${process.pid}`),
      holder: expect.objectContaining({ pid: process.pid, command: 'migrate ramp' }),
    });
    expect(await readLock(stateDir, 'canary')).toMatchObject({ pid: process.pid, command: 'migrate ramp', host: os.hostname() });
  });

  it('refuses a lock from another host, where it cannot tell whether the holder lives', async () => {
    const stateDir = path.join(tmp(), '.migrate');
    await fs.mkdir(path.dirname(lockFile(stateDir, 'canary')), { recursive: true });
    await fs.writeFile(lockFile(stateDir, 'canary'), JSON.stringify({ pid: await deadPid(), host: 'ci-runner-7', command: 'migrate ramp', time: 't' }));
    await expect(acquireLock(stateDir, 'canary', { command: 'x' })).rejects.toThrow(/on host ci-runner-7/);
  });

  it('names the user a lock file records, and leaves it out for an old lock without one', async () => {
    const stateDir = path.join(tmp(), '.migrate');
    const file = lockFile(stateDir, 'canary');
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, JSON.stringify({ pid: process.pid, host: os.hostname(), command: 'migrate ramp', time: 't', user: 'alice' }));
    await expect(acquireLock(stateDir, 'canary', { command: 'x' })).rejects.toThrow(`environment canary is locked by pid ${process.pid} (migrate ramp, run by alice) since t`);
    await fs.writeFile(file, JSON.stringify({ pid: process.pid, host: os.hostname(), command: 'migrate ramp', time: 't' }));
    await expect(acquireLock(stateDir, 'canary', { command: 'x' })).rejects.toThrow(`environment canary is locked by pid ${process.pid} (migrate ramp) since t`);
  });

  it.skipIf(!bootId())('records the boot id, and takes over a lock from an earlier boot even when its pid is alive (reused)', async () => {
    const stateDir = path.join(tmp(), '.migrate');
    const file = lockFile(stateDir, 'canary');
    const mine = await acquireLock(stateDir, 'canary', { command: 'migrate ramp' });
    expect(JSON.parse(await fs.readFile(file, 'utf8'))).toMatchObject({ boot: bootId() });
    await mine.release();

    const beforeReboot = { pid: process.pid, host: os.hostname(), command: 'migrate ramp', time: 't', user: 'alice', boot: 'a-boot-before-the-last-reboot' };
    await fs.writeFile(file, JSON.stringify(beforeReboot));
    const lock = await acquireLock(stateDir, 'canary', { command: 'migrate rollback' });
    expect(lock.takenOver).toEqual({ pid: process.pid, host: os.hostname(), command: 'migrate ramp', time: 't', user: 'alice', reason: 'rebooted' });
    expect(await readLock(stateDir, 'canary')).toMatchObject({ command: 'migrate rollback', boot: bootId() });

    // The same live pid with this boot's id (or no id, as older versions wrote) is still held.
    await fs.writeFile(file, JSON.stringify({ ...beforeReboot, boot: bootId() }));
    await expect(acquireLock(stateDir, 'canary', { command: 'x' })).rejects.toMatchObject({ exitCode: 2 });
    const { boot: _boot, ...old } = beforeReboot;
    await fs.writeFile(file, JSON.stringify(old));
    await expect(acquireLock(stateDir, 'canary', { command: 'x' })).rejects.toMatchObject({ exitCode: 2 });
  });

  it('takes over a stale lock at once even when a process killed inside its takeover left its marker', async () => {
    const stateDir = path.join(tmp(), '.migrate');
    const file = lockFile(stateDir, 'canary');
    const text = JSON.stringify({ pid: await deadPid(), host: os.hostname(), command: 'migrate rollback', time: '2026-01-01T00:00:00.000Z' });
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, text);
    const marker = `${file}.takeover-${sha256(text).slice(0, 16)}.0`;
    await fs.writeFile(marker, `${await deadPid()} ${os.hostname()}\n`); // fresh: only its dead creator tells it is abandoned
    const started = Date.now();
    const lock = await acquireLock(stateDir, 'canary', { command: 'migrate rollback' });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(lock.takenOver?.reason).toBe('dead');
    expect(existsSync(marker)).toBe(false);
    expect(await readLock(stateDir, 'canary')).toMatchObject({ pid: process.pid, command: 'migrate rollback' });
  });

  it('takes over a garbage lock file and says it was unreadable', async () => {
    const stateDir = path.join(tmp(), '.migrate');
    await fs.mkdir(path.dirname(lockFile(stateDir, 'canary')), { recursive: true });
    await fs.writeFile(lockFile(stateDir, 'canary'), '{"pid": 12');
    const lock = await acquireLock(stateDir, 'canary', { command: 'migrate backup' });
    expect(lock.takenOver).toEqual({ reason: 'unreadable' });
    expect(await readLock(stateDir, 'canary')).toMatchObject({ pid: process.pid, command: 'migrate backup' });
  });

  it('writes a private lock file and release removes it only while it is still ours', async () => {
    const stateDir = path.join(tmp(), '.migrate');
    const first = await acquireLock(stateDir, 'canary', { command: 'migrate ramp' });
    const file = lockFile(stateDir, 'canary');
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
    expect((await fs.stat(path.dirname(file))).mode & 0o777).toBe(0o700);

    // Someone else now holds it (e.g. it was taken over after a pid reuse): our release must not free it.
    const theirs = { pid: process.pid, host: os.hostname(), command: 'migrate rollback', time: 'now', token: 'theirs' };
    await fs.writeFile(file, JSON.stringify(theirs));
    await first.release();
    expect(await readLock(stateDir, 'canary')).toEqual(theirs);

    await fs.rm(file);
    const second = await acquireLock(stateDir, 'canary', { command: 'migrate ramp' });
    await second.release();
    await second.release();
    expect(existsSync(file)).toBe(false);
    expect(await fs.readdir(path.dirname(file))).toEqual([]); // no temp files left behind
  });
});
