import { type Assignment, type EnvDocument, type EnvEntry, type QuoteStyle, assignments } from './document.js';
import { type GrammarMatch, grammarMatches, normalizeLineBreaks } from './dotenv-grammar.js';
import { type LineSpan, detectLineEnding, splitLines } from './lines.js';

/**
 * Read an env file's text into entries that keep every byte (`print(parse(t)) === t`), with each
 * assignment's value as dotenv 17 reads it. Never fails: text dotenv skips is kept as trivia.
 */
export function parse(text: string, opts: { source?: string } = {}): EnvDocument {
  const normalized = normalizeLineBreaks(text);
  const toOriginal = originalOffsets(text, normalized.length);
  const lines = splitLines(text);
  const lineOf = lineIndex(lines, text.length);
  const byFirstLine = new Map<number, { last: number; match: GrammarMatch }>();
  for (const match of grammarMatches(normalized)) {
    const first = lineOf[toOriginal[firstToken(normalized, match.start)]!]!;
    const last = lineOf[toOriginal[valueBounds(normalized, match).end - 1]!]!;
    byFirstLine.set(first, { last, match });
  }
  const entries: EnvEntry[] = [];
  for (let i = 0; i < lines.length; i++) {
    const record = byFirstLine.get(i);
    if (!record) {
      entries.push({ kind: 'trivia', line: i + 1, raw: text.slice(lines[i]!.start, lines[i]!.end) });
      continue;
    }
    const span = { start: lines[i]!.start, end: lines[record.last]!.end };
    entries.push(assignment(text, normalized, toOriginal, span, record.match, i + 1));
    i = record.last;
  }
  return { source: opts.source, eol: detectLineEnding(text), entries };
}

/** The exact text the document stands for. */
export function print(doc: EnvDocument): string {
  return doc.entries.map((e) => e.raw).join('');
}

/** What `dotenv.parse` returns for this text: a plain object, the last duplicate winning. */
export function values(doc: EnvDocument): Record<string, string> {
  const obj: Record<string, string> = {};
  for (const a of assignments(doc)) obj[a.key] = a.value;
  return obj;
}

function assignment(text: string, normalized: string, toOriginal: Int32Array, span: LineSpan, m: GrammarMatch, line: number): Assignment {
  const value = valueBounds(normalized, m);
  const keyStart = toOriginal[m.keyStart]!;
  const keyEnd = toOriginal[m.keyEnd]!;
  const valueStart = toOriginal[value.start]!;
  const valueEnd = toOriginal[value.end]!;
  return {
    kind: 'assignment',
    line,
    raw: text.slice(span.start, span.end),
    prefix: text.slice(span.start, keyStart),
    key: m.key,
    separator: text.slice(keyEnd, valueStart),
    valueRaw: text.slice(valueStart, valueEnd),
    tail: text.slice(valueEnd, span.end),
    value: m.value,
    quote: quoteStyle(normalized.slice(value.start, value.end)),
  };
}

/** The value group, or (for `KEY=`) the empty span right after the separator. */
function valueBounds(normalized: string, m: GrammarMatch): { start: number; end: number } {
  if (m.valueStart !== undefined) return { start: m.valueStart, end: m.valueEnd! };
  const separator = /\s*=|:\s/y;
  separator.lastIndex = m.keyEnd;
  separator.exec(normalized);
  return { start: separator.lastIndex, end: separator.lastIndex };
}

/** A match may begin with blank lines (dotenv's leading `\s*`); the entry starts at `export` or the key. */
function firstToken(normalized: string, from: number): number {
  const blank = /\s*/y;
  blank.lastIndex = from;
  blank.exec(normalized);
  return blank.lastIndex;
}

function quoteStyle(valueRaw: string): QuoteStyle {
  const v = valueRaw.trim();
  if (v.length < 2 || v[0] !== v[v.length - 1]) return 'none';
  return ({ "'": 'single', '"': 'double', '`': 'backtick' } as const)[v[0] as "'" | '"' | '`'] ?? 'none';
}

/** For each offset in the `\r\n`-normalized text (and its end), the offset in the original. */
function originalOffsets(text: string, normalizedLength: number): Int32Array {
  const map = new Int32Array(normalizedLength + 1);
  let n = 0;
  for (let i = 0; i < text.length; i++, n++) {
    map[n] = i;
    if (text[i] === '\r' && text[i + 1] === '\n') i++;
  }
  map[n] = text.length;
  return map;
}

/** For each offset in the text, the index of the line holding it. */
function lineIndex(lines: LineSpan[], length: number): Int32Array {
  const index = new Int32Array(length + 1);
  lines.forEach((span, i) => index.fill(i, span.start, span.end));
  index[length] = Math.max(lines.length - 1, 0);
  return index;
}
