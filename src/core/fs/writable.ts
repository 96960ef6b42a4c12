import { constants, promises as fs } from 'node:fs';
import { UsageError } from '../../errors.js';

/**
 * Refuse, before anything is written, an existing file this user may not write (a 0444 env
 * file, or one owned by another user without group write). migrate never chmods such a file:
 * its mode is the operator's decision. Files that do not exist yet pass.
 */
export async function assertWritable(files: string[]): Promise<void> {
  for (const file of files) {
    const st = await fs.stat(file).catch(() => undefined);
    if (!st) continue;
    const ok = await fs.access(file, constants.W_OK).then(
      () => true,
      () => false,
    );
    if (ok) continue;
    const mode = (st.mode & 0o7777).toString(8).padStart(4, '0');
    throw new UsageError(`${file} is mode ${mode}, owner ${st.uid}:${st.gid}, and this user (uid ${process.getuid?.()}) may not write it: nothing was changed`, {
      hint: `run migrate as a user who may write ${file}, or give this user write access to it, then run again`,
    });
  }
}
