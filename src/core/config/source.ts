import path from 'node:path';
import type { Document, LineCounter, Node } from 'yaml';
import { yaml } from '../lazy-yaml.js';
import { fastLineFinder } from './fast-lines.js';
import { readYamlFast } from './fast-yaml.js';
import { problems } from './problems.js';

export type KeyPath = readonly (string | number)[];

/** A parsed YAML file that remembers where every key came from, so errors can say file:line. */
export interface YamlSource {
  /** Absolute path. */
  file: string;
  /** What error lines show: relative to the working directory when inside it. */
  name: string;
  /** Plain data as written (before interpolation). */
  data: unknown;
  /** 1-based line of the deepest node that exists on `path` (a key's own line for mapping entries). */
  lineOf: (path: KeyPath) => number;
  /** `name:line` for `path`. */
  at: (path: KeyPath) => string;
}

/** `migrate.yaml` when the file is under `cwd`, else the absolute path. */
export function displayName(file: string, cwd: string): string {
  const rel = path.relative(cwd, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

/** `environments.canary.compose.services`, `providers.target.nodes[0].baseUrl`. */
export function formatPath(keys: KeyPath): string {
  let out = '';
  for (const key of keys) out += typeof key === 'number' ? `[${key}]` : out ? `.${key}` : key;
  return out || '(top level)';
}

/** Parse YAML text; syntax errors (all of them) become one UsageError naming file:line. */
export function parseYamlSource(text: string, file: string, opts: { cwd?: string } = {}): YamlSource {
  const name = displayName(file, opts.cwd ?? process.cwd());
  // A plain file is read by js-yaml, several times faster, and so are its lines when a warning or an
  // error asks for one; yaml's line-aware document is built only for what that reading cannot place.
  const quick = readYamlFast(text);
  if (quick) {
    let lines: ((keys: KeyPath) => number) | undefined;
    const lineOf = (keys: KeyPath) => (lines ??= lineFinder(text))(keys);
    return { file, name, data: quick.data, lineOf, at: (keys) => `${name}:${lineOf(keys)}` };
  }
  const { LineCounter, parseDocument } = yaml();
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: true });
  if (doc.errors.length > 0) {
    const first = text.split('\n')[(doc.errors[0]!.linePos?.[0].line ?? 1) - 1] ?? '';
    // `{ baseUrl: ${URL} }`: inside flow braces YAML reads `{` of `${` as a new mapping.
    const hint = /[[{][^\n]*\$\{/.test(first) ? 'quote ${VAR} inside { } or [ ]: baseUrl: "${URL}"' : 'fix the YAML syntax (indentation, quotes, a missing colon)';
    throw problems(name, syntaxLines(name, doc.errors), hint);
  }
  const lineOf = linesOf(doc, counter);
  return { file, name, data: plainData(doc, name), lineOf, at: (keys) => `${name}:${lineOf(keys)}` };
}

/** Lines by js-yaml when it can place them (fast-lines.ts), else by yaml's document. */
function lineFinder(text: string): (keys: KeyPath) => number {
  const fast = fastLineFinder(text);
  let full: ((keys: KeyPath) => number) | undefined;
  return (keys) => fast?.(keys) ?? (full ??= yamlLineFinder(text))(keys);
}

/** Lines from yaml's document: the reference fast-lines.ts answers as (test/config/fast-lines.test.ts). */
export function yamlLineFinder(text: string): (keys: KeyPath) => number {
  const { LineCounter, parseDocument } = yaml();
  const counter = new LineCounter();
  return linesOf(parseDocument(text, { lineCounter: counter }), counter);
}

function linesOf(doc: Document, counter: LineCounter): (keys: KeyPath) => number {
  const lineAt = (node: Node | null | undefined) => (node?.range ? counter.linePos(node.range[0]).line : undefined);
  return (keys) => locate(doc, keys, lineAt) ?? 1;
}

/** Aliases that would expand past this many nodes are refused (the "billion laughs" YAML). */
const MAX_ALIAS_COUNT = 100;

function plainData(doc: Document, name: string): unknown {
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    // yaml throws a ReferenceError when aliases would expand a small file into a huge one.
    if (!(err instanceof ReferenceError)) throw err;
    throw problems(
      name,
      [`${name}: its YAML aliases (*name) expand too far (over ${MAX_ALIAS_COUNT} per anchor): refused, it looks like an alias bomb`],
      'write the values out, or use fewer nested aliases',
    );
  }
}

/** Shown syntax errors: one bad bracket makes yaml report every token after it, dozens of lines. */
const MAX_SYNTAX_LINES = 5;

/** The first error on each line, at most MAX_SYNTAX_LINES of them, then how many more there were. */
function syntaxLines(name: string, errors: ReadonlyArray<{ message: string; linePos?: [{ line: number }, ...unknown[]] }>): string[] {
  const byLine = new Map<number, string>();
  for (const e of errors) {
    const line = e.linePos?.[0].line ?? 1;
    if (!byLine.has(line)) byLine.set(line, `${name}:${line} ${syntaxMessage(e.message)}`);
  }
  const lines = [...byLine.values()];
  if (lines.length <= MAX_SYNTAX_LINES) return lines;
  const rest = lines.length - MAX_SYNTAX_LINES;
  return [...lines.slice(0, MAX_SYNTAX_LINES), `(${rest} more line${rest === 1 ? '' : 's'} with errors, probably caused by the first; fix it and run again)`];
}

// yaml's messages repeat the position and quote the source; keep the first clause.
function syntaxMessage(message: string): string {
  const first = message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  return `YAML syntax error: ${first}`;
}

function locate(doc: Document, keys: KeyPath, lineAt: (node: Node | null | undefined) => number | undefined): number | undefined {
  const { isAlias, isMap, isScalar, isSeq } = yaml();
  let node: unknown = doc.contents;
  let line = lineAt(doc.contents);
  for (const key of keys) {
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(key));
      if (!pair) break;
      line = lineAt(pair.key as Node) ?? line;
      node = pair.value;
    } else if (isSeq(node) && typeof key === 'number' && node.items[key]) {
      node = node.items[key];
      line = lineAt(node as Node) ?? line;
    } else {
      break;
    }
  }
  return line;
}
