// The usage errors (exit 2) for a whole config or env file: every problem at once, or unreadable.
import { UsageError } from '../../errors.js';

/**
 * One error for a whole file: the single problem as the message, or `<file>: N problems`
 * with every line in `details`, so the user fixes everything in one pass.
 */
export function problems(name: string, lines: string[], hint?: string): UsageError {
  if (lines.length === 1) return new UsageError(lines[0]!, { hint });
  return new UsageError(`${name}: ${lines.length} problems`, { details: lines, hint });
}

const WHY: Record<string, string> = { EACCES: 'permission denied', EPERM: 'permission denied', EISDIR: 'it is a directory' };

/** A config or env file that exists but cannot be read: a usage error (exit 2) naming it, not a crash. */
export function unreadable(file: string, what: string, err: unknown): UsageError {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  return new UsageError(`cannot read ${what} ${file}: ${WHY[code] ?? (code || (err as Error).message)}`, {
    hint: 'make it readable by this user (or run as its owner), then run again',
  });
}
