// Config problems worded for people: zod issues as `file:line key.path: …` lines, and the
// "did you mean" for a typo (the keys a path accepts, the nearest of them).
import type { z } from 'zod/mini';
import { formatPath, type KeyPath, type YamlSource } from './source.js';

type Issue = z.core.$ZodIssue;

const NOUNS: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
  record: 'a mapping',
  tuple: 'a list',
  null: 'null',
};

export interface FormatOptions {
  /** The schema validated against: unknown keys then get a "did you mean" from its known keys. */
  schema?: z.core.$ZodType;
  /** The input that was validated (defaults to the source's data). */
  data?: unknown;
}

/**
 * zod issues as `file:line key.path: what is wrong` lines, in file order, worded for people
 * ("expected a list", "required") rather than zod's internal vocabulary.
 */
export function formatIssues(issues: readonly Issue[], source: YamlSource, opts: FormatOptions = {}): string[] {
  const data = opts.data === undefined ? source.data : opts.data;
  const entries = issues.flatMap((issue) => describe(issue, data, opts.schema));
  return entries
    .map((e) => ({ line: source.lineOf(e.path), text: `${source.name}:${source.lineOf(e.path)} ${formatPath(e.path)}: ${e.text}` }))
    .sort((a, b) => a.line - b.line)
    .map((e) => e.text);
}

interface Entry {
  path: KeyPath;
  text: string;
}

function describe(issue: Issue, data: unknown, schema: z.core.$ZodType | undefined): Entry[] {
  const path = issue.path as KeyPath;
  const value = valueAt(data, path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = schema ? knownKeys(schema, path, data) : [];
      return issue.keys.map((key) => ({ path: [...path, key], text: `unknown key${didYouMean(key, known)}` }));
    }
    case 'invalid_type':
      return [{ path, text: value === undefined ? 'required' : `expected ${noun(issue.expected)}, got ${kindOf(value)}` }];
    case 'invalid_value':
      return [{ path, text: value === undefined ? `required: ${choices(issue.values)}` : `${choices(issue.values)}, got ${show(value)}${suggestion(value, issue.values)}` }];
    case 'invalid_union':
      return [{ path, text: unionText(issue, value) }];
    case 'too_small':
      return [{ path, text: bound(issue.origin, issue.minimum, issue.inclusive, 'small') }];
    case 'too_big':
      return [{ path, text: bound(issue.origin, issue.maximum, issue.inclusive, 'big') }];
    case 'invalid_key':
      return [{ path, text: `bad name: ${issue.issues[0]?.message ?? issue.message}` }];
    case 'invalid_format':
      return [{ path, text: issue.message.startsWith('Invalid') ? `expected a valid ${issue.format}` : issue.message }];
    default:
      return [{ path, text: issue.message }];
  }
}

function unionText(issue: Extract<Issue, { code: 'invalid_union' }>, value: unknown): string {
  const options = (issue as { options?: unknown[] }).options;
  if (options) return value === undefined ? `required: ${choices(options)}` : `${choices(options)}, got ${show(value)}${suggestion(value, options)}`;
  const expected = [
    ...new Set(
      issue.errors
        .flat()
        .filter((e) => e.path.length === 0)
        .map(branchNoun),
    ),
  ];
  return value === undefined ? 'required' : `expected ${expected.join(' or ')}, got ${kindOf(value)}`;
}

function branchNoun(issue: Issue): string {
  if (issue.code === 'invalid_type') return noun(issue.expected);
  if (issue.code === 'invalid_value') return issue.values.map(show).join(' or ');
  return 'another value';
}

function bound(origin: string, limit: number | bigint, inclusive: boolean | undefined, side: 'small' | 'big'): string {
  const n = Number(limit);
  if (origin === 'array' || origin === 'set') {
    if (side === 'small' && n === 1) return 'must not be empty';
    return side === 'small' ? `needs at least ${n} items` : `allows at most ${n} items`;
  }
  if (origin === 'string') {
    if (side === 'small' && n === 1) return 'must not be empty';
    return side === 'small' ? `must be at least ${n} characters` : `must be at most ${n} characters`;
  }
  if (side === 'small') return inclusive ? `must be at least ${n}` : `must be greater than ${n}`;
  return inclusive ? `must be at most ${n}` : `must be less than ${n}`;
}

function choices(values: readonly unknown[]): string {
  return values.length === 1 ? `expected ${show(values[0])}` : `expected one of ${values.map(show).join(', ')}`;
}

function suggestion(value: unknown, values: readonly unknown[]): string {
  return typeof value === 'string'
    ? didYouMean(
        value,
        values.filter((v): v is string => typeof v === 'string'),
      )
    : '';
}

function noun(expected: string): string {
  return NOUNS[expected] ?? expected;
}

function kindOf(value: unknown): string {
  if (value === null) return 'nothing (null)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'boolean') return String(value);
  // Strings are not echoed: a misplaced ${VAR} may hold a key.
  if (typeof value === 'string') return 'a string';
  return `${noun(typeof value)} (${show(value)})`;
}

function show(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

export function valueAt(data: unknown, keys: KeyPath): unknown {
  let value = data;
  for (const key of keys) {
    if (!value || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, unknown>)[key];
  }
  return value;
}

// Did you mean: the known keys at a path, and the nearest of them to a typo.

// Just the parts of zod 4's schema definitions needed to find the keys an object accepts.
interface Def {
  type: string;
  shape?: Record<string, Schema>;
  valueType?: Schema;
  element?: Schema;
  innerType?: Schema;
  in?: Schema;
  options?: Schema[];
  getter?: () => Schema;
}
type Schema = { _zod: { def: Def } };

/**
 * The keys the object schema at `path` accepts, for "did you mean" on an unknown key.
 * `data` is the input, used to pick the branch of a union (e.g. the traffic driver in use).
 */
export function knownKeys(schema: z.core.$ZodType, keys: KeyPath, data: unknown): string[] {
  let node: Schema | undefined = schema;
  let value = data;
  for (const key of keys) {
    node = child(pickBranch(node, value), key);
    value = value && typeof value === 'object' ? (value as Record<string | number, unknown>)[key] : undefined;
  }
  const object = pickBranch(node, value);
  return object?._zod.def.shape ? Object.keys(object._zod.def.shape) : [];
}

function unwrap(node: Schema | undefined): Schema | undefined {
  let current = node;
  while (current) {
    const def: Def = current._zod.def;
    if (def.innerType) current = def.innerType;
    else if (def.type === 'pipe' && def.in) current = def.in;
    else if (def.type === 'lazy' && def.getter) current = def.getter();
    else return current;
  }
  return current;
}

function child(node: Schema | undefined, key: string | number): Schema | undefined {
  const def = node?._zod.def;
  if (!def) return undefined;
  if (def.shape) return def.shape[String(key)];
  return def.valueType ?? def.element;
}

/** For a union, the object branch whose literal fields (like `driver: nginx`) match the data. */
function pickBranch(node: Schema | undefined, value: unknown): Schema | undefined {
  const current = unwrap(node);
  const options = current?._zod.def.options;
  if (!options) return current;
  const objects = options.map(unwrap).filter((o): o is Schema => Boolean(o?._zod.def.shape));
  return objects.find((o) => matchesLiterals(o, value)) ?? objects[0];
}

function matchesLiterals(object: Schema, value: unknown): boolean {
  if (!value || typeof value !== 'object') return false;
  return Object.entries(object._zod.def.shape ?? {}).every(([key, field]) => {
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- tsc needs it: Def has no `values` (the rule's fix breaks the build)
    const literal = unwrap(field)?._zod.def as { type: string; values?: unknown[] } | undefined;
    return literal?.type !== 'literal' || (literal.values ?? []).includes((value as Record<string, unknown>)[key]);
  });
}

/**
 * Edit distance counting an insertion, deletion, substitution or swap of neighbours as one edit
 * (optimal string alignment), case-insensitive: `ngnix` is one edit from `nginx`.
 */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  const rows: number[][] = [Array.from({ length: t.length + 1 }, (_, j) => j)];
  for (let i = 1; i <= s.length; i++) {
    const row = [i];
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1]![j]! + 1, row[j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) best = Math.min(best, rows[i - 2]![j - 2]! + 1);
      row.push(best);
    }
    rows.push(row);
  }
  return rows[s.length]![t.length]!;
}

/**
 * The known word nearest to `word`, if it is near enough to be a plausible typo
 * (at most a third of the word's length, at least 1, never more than 3 edits).
 */
export function suggest(word: string, known: readonly string[]): string | undefined {
  const limit = Math.min(3, Math.max(1, Math.floor(word.length / 3)));
  let best: { word: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(word, candidate);
    if (distance <= limit && (!best || distance < best.distance)) best = { word: candidate, distance };
  }
  return best?.word;
}

/** ` (did you mean "x"?)` or nothing: appended to error lines. */
export function didYouMean(word: string, known: readonly string[]): string {
  const match = suggest(word, known);
  return match ? ` (did you mean "${match}"?)` : '';
}
