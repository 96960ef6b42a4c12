import { UsageError } from '../../errors.js';

const WHY: Record<string, string> = { EACCES: 'permission denied', EPERM: 'permission denied', EISDIR: 'it is a directory' };

/** A config or env file that exists but cannot be read: a usage error (exit 2) naming it, not a crash. */
export function unreadable(file: string, what: string, err: unknown): UsageError {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  return new UsageError(`cannot read ${what} ${file}: ${WHY[code] ?? (code || (err as Error).message)}`, {
    hint: 'make it readable by this user (or run as its owner), then run again',
  });
}
