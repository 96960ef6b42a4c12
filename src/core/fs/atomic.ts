import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';

export interface AtomicWriteOptions {
  /** File mode for a new file; an existing file keeps its own mode and owner. */
  mode?: number;
}

/**
 * Write `data` to `file` so that a reader (or a crash) sees either the old or the new content,
 * never a mix: temp file in the same directory, fsync, rename over, fsync the directory.
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array, opts: AtomicWriteOptions = {}): Promise<void> {
  const dir = path.dirname(file);
  const existing = await fs.stat(file).catch(() => undefined);
  const mode = existing ? existing.mode & 0o7777 : (opts.mode ?? 0o644);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const handle = await fs.open(tmp, 'wx', mode);
  try {
    await handle.writeFile(data);
    await handle.chmod(mode); // open() applies the umask; chmod does not
    if (existing && process.getuid?.() === 0) await handle.chown(existing.uid, existing.gid);
    await handle.sync();
  } catch (err) {
    await handle.close();
    await fs.rm(tmp, { force: true });
    throw err;
  }
  await handle.close();
  try {
    await fs.rename(tmp, file);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
  await syncDir(dir);
}

async function syncDir(dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
