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
  await removeOrphans(dir, path.basename(target));
}

/** Temp files of this file left by a process that was killed mid-write (its pid is gone). */
async function removeOrphans(dir: string, base: string): Promise<void> {
  const prefix = `.${base}.`;
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    const pid = Number(/^(\d+)\.[0-9a-f]{8}\.tmp$/.exec(name.slice(prefix.length))?.[1]);
    if (pid && pid !== process.pid && !isAlive(pid)) await fs.rm(path.join(dir, name), { force: true });
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
