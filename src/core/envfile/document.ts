import type { LineEnding } from './lines.js';

/** How a value is written: dotenv gives `\n` escapes their meaning only inside double quotes. */
export type QuoteStyle = 'none' | 'single' | 'double' | 'backtick';

/** A line dotenv reads nothing from: blank, comment, or text it skips. Kept byte for byte. */
export interface TriviaLine {
  kind: 'trivia';
  /** 1-based line number in the file. */
  line: number;
  raw: string;
}

/**
 * One `KEY=value` as dotenv reads it, over one or more whole lines (a multi-line quoted value).
 * `raw === prefix + key + separator + valueRaw + tail`.
 */
export interface Assignment {
  kind: 'assignment';
  line: number;
  raw: string;
  /** Blanks, a BOM and `export ` before the key. */
  prefix: string;
  key: string;
  /** From the key to the value: `=`, ` = `, `: `. */
  separator: string;
  /** The value as written: quotes and the blanks around it included. */
  valueRaw: string;
  /** After the value: blanks, an inline comment, the line break. */
  tail: string;
  /** The value exactly as `dotenv.parse` gives it. */
  value: string;
  quote: QuoteStyle;
}

export type EnvEntry = TriviaLine | Assignment;

/** An env file as an ordered list of entries whose raw texts concatenate to the file. */
export interface EnvDocument {
  /** Where it came from, for error messages (`.env.canary:12`). */
  source?: string;
  /** The file's own line ending, used for lines the editor adds. */
  eol: LineEnding;
  entries: readonly EnvEntry[];
}

export function assignments(doc: EnvDocument): Assignment[] {
  return doc.entries.filter((e): e is Assignment => e.kind === 'assignment');
}

/** The assignment dotenv uses for `key`: the last one, as duplicates are overridden. */
export function findAssignment(doc: EnvDocument, key: string): Assignment | undefined {
  const all = assignments(doc);
  for (let i = all.length - 1; i >= 0; i--) if (all[i]!.key === key) return all[i];
  return undefined;
}

/** Names an entry in messages: `.env.canary:12` or `line 12`. */
export function where(doc: EnvDocument, line: number): string {
  return doc.source ? `${doc.source}:${line}` : `line ${line}`;
}
