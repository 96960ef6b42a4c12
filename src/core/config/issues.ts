import type { z } from 'zod';
import { knownKeys } from './keys.js';
import { formatPath, type KeyPath, type YamlSource } from './source.js';
import { didYouMean } from './suggest.js';

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
  schema?: z.ZodType;
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

function describe(issue: Issue, data: unknown, schema: z.ZodType | undefined): Entry[] {
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
