// ${VAR} references: replaced from the environment and dotenv files, then the strings that
// became numbers or booleans in the schema's eyes converted (coerceInterpolated).
import type { z } from 'zod/mini';
import { valueAt } from './issues.js';
import { formatPath, type KeyPath, type YamlSource } from './source.js';

export type Lookup = (name: string) => string | undefined;

export interface StringResult {
  value: string;
  /** Variables referenced (set or not). */
  names: string[];
  /** Problems, worded for an error line: `${X} is not set`, malformed references. */
  problems: string[];
  /** Variables that are set but empty, referenced without a default. */
  empty: string[];
}

const REFERENCE = /\$\$|\$\{([^}]*)\}|\$\{/g;
const INNER = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)([\s\S]*))?$/;

/**
 * `${VAR}`, `${VAR:-default}` (unset or empty), `${VAR-default}` (unset) and `$$` for a literal `$`.
 * A lone `$` (as in nginx's `$request_id`) is left alone.
 */
export function interpolateString(text: string, lookup: Lookup): StringResult {
  const names: string[] = [];
  const problems: string[] = [];
  const empty: string[] = [];
  const value = text.replace(REFERENCE, (match: string, inner: string | undefined) => {
    if (match === '$$') return '$';
    const parsed = inner === undefined ? null : INNER.exec(inner);
    if (!parsed) {
      problems.push(`malformed reference ${match} (write \${NAME} or \${NAME:-default}; $$ for a literal $)`);
      return match;
    }
    const [, name, operator, fallback] = parsed as unknown as [string, string, string | undefined, string | undefined];
    names.push(name);
    const found = lookup(name);
    if (operator === ':-' && !found) return fallback ?? '';
    if (operator === '-' && found === undefined) return fallback ?? '';
    if (found === undefined) {
      problems.push(`\${${name}} is not set`);
      return match;
    }
    if (found === '' && !operator) empty.push(name);
    return found;
  });
  return { value, names, problems, empty };
}

export interface VariableUse {
  path: KeyPath;
  name: string;
}

export interface DataResult {
  data: unknown;
  /** Every string value that contained a reference: may need coercion to a number or boolean. */
  interpolated: KeyPath[];
  uses: VariableUse[];
  /** `file:line key.path: problem` lines. */
  errors: string[];
  /** Key paths of those errors, so schema complaints about the same values can be dropped. */
  errorPaths: KeyPath[];
  /** Unset variables at tolerated paths. */
  warnings: string[];
  /** Values that came out empty only because a variable was set to '': a schema error there names the variable. */
  empties: VariableUse[];
}

/** Stands in for an unresolvable URL at a tolerated path, so validation passes and nothing matches it. */
export const UNRESOLVED_URL = 'http://unresolved.invalid';

/** Interpolate every string value (not keys) of `source.data`; all problems are collected. */
export function interpolateData(source: YamlSource, lookup: Lookup, hint: string, tolerate?: (path: KeyPath) => boolean): DataResult {
  const result: DataResult = { data: undefined, interpolated: [], uses: [], errors: [], errorPaths: [], warnings: [], empties: [] };
  const visit = (value: unknown, path: KeyPath): unknown => {
    if (typeof value === 'string') return visitString(value, path);
    if (Array.isArray(value)) return value.map((item, i) => visit(item, [...path, i]));
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, visit(v, [...path, k])]));
    }
    return value;
  };
  const visitString = (text: string, path: KeyPath): string => {
    if (!text.includes('$')) return text;
    const out = interpolateString(text, lookup);
    if (out.names.length > 0 || out.value !== text) result.interpolated.push(path);
    for (const name of out.names) result.uses.push({ path, name });
    const unset = out.problems.length > 0 && out.problems.every((p) => p.endsWith('is not set'));
    // `NAME=` in a dotenv file is set, yet as a whole value it is as good as missing.
    const emptied = out.problems.length === 0 && out.empty.length > 0 && out.value.trim() === '';
    if ((unset || emptied) && tolerate?.(path)) {
      const problems = emptied ? out.empty.map((name) => `\${${name}} is empty`) : out.problems;
      result.warnings.push(`${source.at(path)} ${formatPath(path)}: ${problems.join(', ')} (not needed here; ignored)`);
      return path[path.length - 1] === 'baseUrl' ? UNRESOLVED_URL : emptied ? text : out.value;
    }
    if (emptied) result.empties.push(...out.empty.map((name) => ({ path, name })));
    if (out.problems.length > 0) result.errorPaths.push(path);
    for (const problem of out.problems) {
      const suffix = problem.endsWith('is not set') ? ` (${hint})` : '';
      result.errors.push(`${source.at(path)} ${formatPath(path)}: ${problem}${suffix}`);
    }
    return out.value;
  };
  result.data = visit(source.data, []);
  return result;
}

/**
 * `timeoutMs: ${TIMEOUT_MS:-30000}` interpolates to the string "30000". Where the schema wants a
 * number or boolean and the string came from interpolation, convert it (mutating `data`, which
 * is the interpolation's own copy). Returns true when anything changed, so the caller re-validates.
 */
export function coerceInterpolated(issues: readonly z.core.$ZodIssue[], data: unknown, interpolated: readonly KeyPath[]): boolean {
  const fromVariables = new Set(interpolated.map((p) => JSON.stringify(p)));
  let changed = false;
  for (const issue of issues) {
    if (issue.code !== 'invalid_type' || !fromVariables.has(JSON.stringify(issue.path))) continue;
    const parent = containerOf(data, issue.path as KeyPath);
    const key = issue.path[issue.path.length - 1] as string | number;
    const text = parent?.[key];
    if (typeof text !== 'string') continue;
    const value = convert(text.trim(), issue.expected);
    if (value === undefined) continue;
    parent![key] = value;
    changed = true;
  }
  return changed;
}

function convert(text: string, expected: string): number | boolean | undefined {
  if ((expected === 'number' || expected === 'int') && /^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  if (expected === 'boolean' && (text === 'true' || text === 'false')) return text === 'true';
  return undefined;
}

function containerOf(data: unknown, path: KeyPath): Record<string | number, unknown> | undefined {
  const value = valueAt(data, path.slice(0, -1));
  return value && typeof value === 'object' ? (value as Record<string | number, unknown>) : undefined;
}
