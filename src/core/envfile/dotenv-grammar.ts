/**
 * dotenv 17's grammar, copied from node_modules/dotenv/lib/main.js (`LINE` and `parse`), so that
 * this editor reads every file with exactly the meaning `dotenv.parse` gives it, quirks included
 * (a match may start after blank lines, `KEY: value` is an assignment, `#` ends an unquoted value).
 * The `d` flag is added only to learn where each group sits in the text.
 */
const LINE = /(?:^|^)\s*(?:export\s+)?([\w.-]+)(?:\s*=\s*?|:\s+?)(\s*'(?:\\'|[^'])*'|\s*"(?:\\"|[^"])*"|\s*`(?:\\`|[^`])*`|[^#\r\n]+)?\s*(?:#.*)?(?:$|$)/dgm;

/** dotenv reads `\r\n` and a lone `\r` as `\n` before matching. */
export function normalizeLineBreaks(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}

export interface GrammarMatch {
  /** Offsets in the normalized text. */
  start: number;
  end: number;
  key: string;
  keyStart: number;
  keyEnd: number;
  /** The raw value group (quotes and surrounding blanks included), absent for `KEY=`. */
  valueStart?: number;
  valueEnd?: number;
  value: string;
}

/** Every assignment dotenv sees in `normalized`, in file order. */
export function* grammarMatches(normalized: string): Generator<GrammarMatch> {
  const line = new RegExp(LINE.source, LINE.flags);
  let m: RegExpExecArray | null;
  while ((m = line.exec(normalized)) !== null) {
    const [keyStart, keyEnd] = m.indices![1]!;
    const valueSpan = m.indices![2];
    yield {
      start: m.index,
      end: m.index + m[0].length,
      key: m[1]!,
      keyStart,
      keyEnd,
      valueStart: valueSpan?.[0],
      valueEnd: valueSpan?.[1],
      value: decodeValue(m[2] ?? ''),
    };
  }
}

/** dotenv's value rules: trim, strip one pair of matching quotes, expand `\n` and `\r` in double quotes. */
export function decodeValue(raw: string): string {
  let value = raw.trim();
  const maybeQuote = value[0];
  value = value.replace(/^(['"`])([\s\S]*)\1$/gm, '$2');
  if (maybeQuote === '"') {
    value = value.replace(/\\n/g, '\n');
    value = value.replace(/\\r/g, '\r');
  }
  return value;
}

/** A key dotenv can read back: its key pattern, and not the one name a plain object swallows. */
export function isValidKey(key: string): boolean {
  return /^[\w.-]+$/.test(key) && key !== '__proto__';
}
