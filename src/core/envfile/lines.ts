/** One physical line: `[start, end)` in the text, `end` past its line break (if it has one). */
export interface LineSpan {
  start: number;
  end: number;
}

/**
 * Line breaks as dotenv's multiline regex sees them once `\r\n` and `\r` became `\n`:
 * `\r\n`, `\r`, `\n`, and the Unicode line and paragraph separators.
 */
const BREAK = /\r\n|[\r\n\u2028\u2029]/g;

export function splitLines(text: string): LineSpan[] {
  const spans: LineSpan[] = [];
  let start = 0;
  for (const m of text.matchAll(BREAK)) {
    const end = m.index + m[0].length;
    spans.push({ start, end });
    start = end;
  }
  if (start < text.length) spans.push({ start, end: text.length });
  return spans;
}

export function endsWithLineBreak(text: string): boolean {
  return /[\r\n\u2028\u2029]$/.test(text);
}

export type LineEnding = '\n' | '\r\n' | '\r';

/** The file's own line ending (its first one), so appended lines match the rest. */
export function detectLineEnding(text: string): LineEnding {
  const m = /\r\n|\r|\n/.exec(text);
  return (m?.[0] as LineEnding | undefined) ?? '\n';
}

/** The line break that ends `raw`, or '' for a last line without one. */
export function trailingLineBreak(raw: string): string {
  return /(?:\r\n|[\r\n\u2028\u2029])$/.exec(raw)?.[0] ?? '';
}
