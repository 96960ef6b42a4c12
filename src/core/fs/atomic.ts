import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { isAlive } from '../state/identity.js';

export interface AtomicWriteOptions {
  /** File mode for a new file; an existing file keeps its own mode and owner. */
  mode?: number;
}

/**
 * Write `data` to `file` so that a reader (or a crash) sees either the old or the new content,
 * never a mix: temp file in the same directory, fsync, rename over, fsync the directory.
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array, opts: AtomicWriteOptions = {}): Promise<void> {
  const target = await throughLinks(file);
  const dir = path.dirname(target);
  const existing = await fs.stat(target).catch(() => undefined);
  const mode = existing ? existing.mode & 0o7777 : (opts.mode ?? 0o644);
  const tmp = path.join(dir, `.${path.basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const handle = await fs.open(tmp, 'wx', mode);
  try {
    try {
      await handle.writeFile(data);
      await handle.chmod(mode); // open() applies the umask; chmod does not
      if (existing && process.getuid?.() === 0) await handle.chown(existing.uid, existing.gid);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, target);
  } catch (err) {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
  await syncDir(dir);
  await removeDeadTemps(dir, { prefix: `.${path.basename(target)}.` });
}

/** `<name>.<pid>.<8 hex>.tmp`: how migrate names its temp files (here and in the lock). */
const TEMP_NAME = /(?:^|\.)(\d+)\.[0-9a-f]{8}\.tmp$/;

/**
 * Temp files in `dir` left by a process that was killed mid-write (its pid is gone): only those
 * starting with `prefix`, and with `olderThanMs` only those that old (a temp file lives for
 * milliseconds; the age guards one written by another host sharing the directory).
 */
export async function removeDeadTemps(dir: string, opts: { prefix?: string; olderThanMs?: number } = {}): Promise<void> {
  const prefix = opts.prefix ?? '';
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(TEMP_NAME.exec(name.slice(prefix.length))?.[1]);
    if (!pid || pid === process.pid || isAlive(pid)) continue;
    const file = path.join(dir, name);
    if (opts.olderThanMs !== undefined) {
      const stat = await fs.lstat(file).catch(() => undefined);
      if (!stat || Date.now() - stat.mtimeMs < opts.olderThanMs) continue;
    }
    await fs.rm(file, { force: true });
  }
}

/**
 * A symlinked file (`.env -> ../shared/.env`, common in release-directory deploys) is written
 * where the link points; renaming over the link itself would silently detach it.
 */
async function throughLinks(file: string): Promise<string> {
  return fs.realpath(file).catch(() => file);
}

async function syncDir(dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
