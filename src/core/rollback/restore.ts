import { MigrateError, RollbackError } from '../../errors.js';
import { writeFileAtomic } from '../fs/atomic.js';
import { discardJournals } from '../fs/journal.js';
import { assertLinksTrusted } from '../fs/links.js';
import { assertWritable } from '../fs/writable.js';
import type { FileRestore } from './plan.js';

/**
 * Put each changed file back with the backup's exact bytes. Each write is atomic (temp file,
 * fsync, rename), so a crash leaves every file wholly old or wholly restored, and running the
 * rollback again finishes the rest: files that already match are skipped. Owner, group and
 * mode stay as they are (see writeFileAtomic).
 */
export async function restoreFiles(files: FileRestore[], again: string): Promise<string[]> {
  await assertRestorable(
    files.filter((f) => f.changed).map((f) => f.absolute),
    again,
  );
  const restored: string[] = [];
  for (const file of files) {
    if (!file.changed) {
      // Already the backup's bytes: a journal of a cut-short in-place write is stale now.
      await discardJournals(file.absolute);
      continue;
    }
    try {
      await writeFileAtomic(file.absolute, file.content, { mode: file.mode });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      const done = restored.length ? ` (already restored: ${restored.join(', ')})` : '';
      throw new RollbackError(`could not restore ${file.absolute} (${code}); it was left unchanged${done}`, {
        hint: `make it writable for this user (or run as its owner), then run \`${again}\``,
        cause: err,
      });
    }
    restored.push(file.path);
  }
  return restored;
}

/**
 * Before the first write: a planted symlink or a file this user may not write (a 0444 file,
 * another user's file) stops the rollback with every file as it was, rather than half restored.
 */
async function assertRestorable(files: string[], again: string): Promise<void> {
  try {
    for (const file of files) await assertLinksTrusted(file);
    await assertWritable(files);
  } catch (err) {
    if (!(err instanceof MigrateError)) throw err;
    throw new RollbackError(`cannot roll back: ${err.message.replace(/: nothing was changed$/, '')}; nothing was restored`, {
      hint: `${err.hint ?? 'fix it'}; then run \`${again}\``,
      cause: err,
    });
  }
}
