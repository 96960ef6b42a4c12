import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isAlive } from '../state/identity.js';

// An in-place write (see in-place.ts) is not atomic: a crash can leave the file half old, half
// new. Before it writes, the old bytes go to a journal; the journal is removed once the new bytes
// are on disk. A journal found later means the write was cut short, and `repairTornWrite` puts the
// old bytes back. The journal holds the file's keys, so it is 0600 and owned by whoever wrote it.

const MAGIC = 'migrate-journal 1';

export interface JournalHeader {
  pid: number;
  /** sha256 of the bytes being written: a file that already holds them was written in full. */
  newHash: string;
  file: string;
}

/**
 * Next to the file (`.<name>.migrate-journal`) when its directory is writable; otherwise (a
 * root-owned /etc/nginx/conf.d the operator may only write the include in) in a private
 * per-user directory under the system temp dir, named after the file's path.
 */
export function journalPaths(file: string): string[] {
  const uid = process.getuid?.() ?? 'user';
  const id = createHash('sha256').update(file).digest('hex').slice(0, 24);
  return [path.join(path.dirname(file), `.${path.basename(file)}.migrate-journal`), path.join(os.tmpdir(), `migrate-journal-${uid}`, `${id}.journal`)];
}

export function hashOf(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Write the journal (fsynced) and return its path. */
export async function writeJournal(file: string, old: Uint8Array, newHash: string): Promise<string> {
  const header = Buffer.from(`${MAGIC} pid=${process.pid} new=${newHash} file=${encodeURIComponent(file)}\n`);
  const [beside, fallback] = journalPaths(file) as [string, string];
  try {
    await writePrivate(beside, Buffer.concat([header, old]));
    return beside;
  } catch (err) {
    if (!['EACCES', 'EPERM', 'EROFS'].includes((err as NodeJS.ErrnoException).code ?? '')) throw err;
  }
  await fs.mkdir(path.dirname(fallback), { recursive: true, mode: 0o700 });
  const dir = await fs.lstat(path.dirname(fallback));
  // Another user could have made this directory first to read our journals.
  if (!dir.isDirectory() || dir.uid !== process.getuid?.() || (dir.mode & 0o077) !== 0) {
    throw Object.assign(new Error(`${path.dirname(fallback)} is not a private directory of this user`), { code: 'EACCES' });
  }
  await writePrivate(fallback, Buffer.concat([header, old]));
  return fallback;
}

/** Remove the file's journals: its write is complete (or was superseded by a whole new write). */
export async function discardJournals(file: string): Promise<void> {
  for (const j of journalPaths(file)) await fs.rm(j, { force: true }).catch(() => undefined);
}

export async function readJournal(journal: string): Promise<{ header: JournalHeader; old: Buffer } | undefined> {
  const bytes = await fs.readFile(journal).catch(() => undefined);
  if (!bytes) return undefined;
  const end = bytes.indexOf(0x0a);
  const m = /^migrate-journal 1 pid=(\d+) new=([0-9a-f]{64}) file=(\S+)$/.exec(bytes.subarray(0, end).toString());
  if (!m) return undefined;
  return { header: { pid: Number(m[1]), newHash: m[2]!, file: decodeURIComponent(m[3]!) }, old: bytes.subarray(end + 1) };
}

/** Whether the journal's writer is still at work (then its journal is no sign of a torn write). */
export function writerAlive(header: JournalHeader): boolean {
  return header.pid !== process.pid && isAlive(header.pid);
}

async function writePrivate(file: string, data: Uint8Array): Promise<void> {
  // A leftover journal of a dead writer is replaced: its file was repaired or superseded first.
  const tmp = `${file}.${process.pid}.new`;
  const handle = await fs.open(tmp, 'w', 0o600);
  try {
    await handle.chmod(0o600);
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.rename(tmp, file);
  const dir = await fs.open(path.dirname(file), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}
