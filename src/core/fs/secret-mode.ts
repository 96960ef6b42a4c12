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

function octal(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}
