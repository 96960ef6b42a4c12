import { UsageError } from '../../errors.js';

/**
 * One error for a whole file: the single problem as the message, or `<file>: N problems`
 * with every line in `details`, so the user fixes everything in one pass.
 */
export function problems(name: string, lines: string[], hint?: string): UsageError {
  if (lines.length === 1) return new UsageError(lines[0]!, { hint });
  return new UsageError(`${name}: ${lines.length} problems`, { details: lines, hint });
}
