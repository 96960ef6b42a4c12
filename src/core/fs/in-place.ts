import { promises as fs } from 'node:fs';
import { throughLinks } from './links.js';
import { discardJournals, hashOf, journalPaths, readJournal, writeJournal, writerAlive } from './journal.js';

/**
 * Write `data` into the existing `file` itself: same inode, owner, group and mode. For files a
 * rename would break: one read through a single-file bind mount (the container keeps the old
 * inode), or one owned by another user or group that only root could chown a new file to.
 * The old bytes are journaled first, so a write cut short is repaired by `repairTornWrite`.
 */
export async function writeFileInPlace(path: string, data: string | Uint8Array): Promise<void> {
  const file = await throughLinks(path);
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  // Opened before anything else: a file this user may not write fails here, with nothing changed.
  const handle = await fs.open(file, fs.constants.O_RDWR);
  try {
    const old = await handle.readFile();
    await writeJournal(file, old, hashOf(bytes));
    await overwrite(handle, bytes);
  } finally {
    await handle.close();
  }
  await discardJournals(file);
}

/** Replace the content of an open file: write from offset 0, cut to length, fsync. */
async function overwrite(handle: fs.FileHandle, bytes: Uint8Array): Promise<void> {
  let done = 0;
  while (done < bytes.length) done += (await handle.write(bytes, done, bytes.length - done, done)).bytesWritten;
  await handle.truncate(bytes.length);
  await handle.sync();
}

export type Repair = 'restored' | 'completed';

/**
 * A journal left by an in-place write that was cut short: put the old bytes back ('restored'),
 * or, when the new bytes had all landed, just drop the journal ('completed'). Undefined when
 * there is nothing to repair, or the writer is still running.
 */
export async function repairTornWrite(path: string): Promise<Repair | undefined> {
  const file = await throughLinks(path);
  for (const journal of journalPaths(file)) {
    const found = await readJournal(journal);
    if (!found || found.header.file !== file || writerAlive(found.header)) continue;
    const now = await fs.readFile(file).catch(() => undefined);
    if (now && hashOf(now) === found.header.newHash) {
      await discardJournals(file);
      return 'completed';
    }
    const handle = await fs.open(file, fs.constants.O_RDWR);
    try {
      await overwrite(handle, found.old);
    } finally {
      await handle.close();
    }
    await discardJournals(file);
    return 'restored';
  }
  return undefined;
}
