import type { z } from 'zod';
import { valueAt } from './issues.js';
import type { KeyPath } from './source.js';

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
