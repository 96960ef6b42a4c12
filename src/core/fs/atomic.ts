import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { isAlive } from '../state/identity.js';
import { writeFileInPlace } from './in-place.js';
import { discardJournals } from './journal.js';
import { throughLinks } from './links.js';

export interface AtomicWriteOptions {
  /** File mode for a new file; an existing file keeps its own mode and owner. */
  mode?: number;
  /**
   * Keep the inode: write into the existing file (old bytes journaled first) instead of renaming
   * a new one over it. For files read through a single-file bind mount, where a renamed file is
   * never seen by the container.
   */
  inPlace?: boolean;
  /** migrate's own file holding keys: an existing one that group or others may read is made 0600. */
  private?: boolean;
}

export interface WriteResult {
  /** How the bytes got there: a new file renamed over the old, or written into the old one. */
  method: 'rename' | 'in-place';
  /** The file's permission bits now. */
  mode: number;
  /** A `private` file that was looser before (its old mode), now tightened. */
  tightenedFrom?: number;
}

/**
 * Write `data` to `file` so that a reader (or a crash) sees either the old or the new content,
 * never a mix: temp file in the same directory, fsync, rename over, fsync the directory. The
 * owner, group and mode of an existing file never change: when the new file cannot get them
 * (not root, and the file belongs to another user or a group we cannot chown to), or when
 * `inPlace` is asked, the file is written in place instead (journaled, see in-place.ts).
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array, opts: AtomicWriteOptions = {}): Promise<WriteResult> {
  const target = await throughLinks(file);
  const existing = await fs.stat(target).catch(() => undefined);
  const oldMode = existing ? existing.mode & 0o7777 : undefined;
  const mode = oldMode === undefined ? (opts.mode ?? 0o644) : opts.private ? oldMode & 0o7700 : oldMode;
  const result = (method: WriteResult['method'], now: number): WriteResult =>
    oldMode !== undefined && now !== oldMode ? { method, mode: now, tightenedFrom: oldMode } : { method, mode: now };
  if (existing && opts.inPlace) return result('in-place', await inPlace(target, data, mode));
  const renamed = await viaRename(target, data, mode, existing);
  if (!renamed) return result('in-place', await inPlace(target, data, mode));
  await discardJournals(target); // a journal of an earlier cut-short write is superseded
  return result('rename', mode);
}

/** In place, then the mode tightened if asked and allowed (only the owner or root may chmod). */
async function inPlace(target: string, data: string | Uint8Array, mode: number): Promise<number> {
  await writeFileInPlace(target, data);
  const st = await fs.stat(target);
  if ((st.mode & 0o7777) === mode) return mode;
  return fs.chmod(target, mode).then(
    () => mode,
    () => st.mode & 0o7777,
  );
}

/** False (nothing written) when the new file could not get the existing file's owner and group. */
async function viaRename(target: string, data: string | Uint8Array, mode: number, existing: { uid: number; gid: number } | undefined): Promise<boolean> {
  const dir = path.dirname(target);
  const tmp = path.join(dir, `.${path.basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const handle = await fs.open(tmp, 'wx', mode).catch((err: NodeJS.ErrnoException) => {
    // A directory this user may not create files in (root's /etc/nginx/conf.d): the file itself may still be writable.
    if (existing && (err.code === 'EACCES' || err.code === 'EPERM')) return undefined;
    throw err;
  });
  if (!handle) return false;
  try {
    try {
      if (existing && !(await sameOwner(handle, existing))) return false;
      await handle.writeFile(data);
      await handle.chmod(mode); // open() applies the umask; chmod does not
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, target);
  } finally {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
  }
  await syncDir(dir);
  await removeDeadTemps(dir, { prefix: `.${path.basename(target)}.` });
  return true;
}

/** Give the temp file the existing file's owner and group; false when this user may not. */
async function sameOwner(handle: fs.FileHandle, existing: { uid: number; gid: number }): Promise<boolean> {
  const st = await handle.stat();
  if (st.uid === existing.uid && st.gid === existing.gid) return true;
  // Root may chown to anyone; others only to a group they belong to, on a file they own.
  return handle.chown(existing.uid, existing.gid).then(
    () => true,
    () => false,
  );
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

async function syncDir(dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
