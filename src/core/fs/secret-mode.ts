import { promises as fs } from 'node:fs';
import type { WriteResult } from './atomic.js';

/**
 * What to tell the operator after writing keys into a file. migrate's own files are tightened
 * to 0600 (said once, when it happens); an app's env file keeps the mode its owner chose, so a
 * loose one gets the command that fixes it instead.
 */
export function secretModeWarning(file: string, whose: 'own' | 'app', written: Pick<WriteResult, 'mode' | 'tightenedFrom'>): string | undefined {
  const loose = (written.mode & 0o077) !== 0;
  if (whose === 'own' && written.tightenedFrom !== undefined) {
    return `${file} holds API keys and was mode ${octal(written.tightenedFrom)}: it is ${octal(written.mode)} now`;
  }
  if (!loose) return undefined;
  const holds = whose === 'own' ? 'holds API keys' : 'now holds an API key';
  return `${file} ${holds} and is mode ${octal(written.mode)} (group or others may read it): run \`chmod 600 ${file}\``;
}

/**
 * For --dry-run, from the file's mode now: the warning the write would give, said before the
 * ramp starts so the operator can fix the mode first. A file that does not exist yet is created 0600.
 */
export async function secretModeWarningAhead(file: string, whose: 'own' | 'app'): Promise<string | undefined> {
  const st = await fs.stat(file).catch(() => undefined);
  if (!st || (st.mode & 0o077) === 0) return undefined;
  const mode = st.mode & 0o7777;
  if (whose === 'own') return `${file} will hold API keys and is mode ${octal(mode)}: the ramp will tighten it to ${octal(mode & 0o7700)}`;
  return `${file} will receive an API key and is mode ${octal(mode)} (group or others may read it): run \`chmod 600 ${file}\` before the ramp`;
}

function octal(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}
