// `{{name}}` placeholders in messages and assertions, filled from one row of a case's `vars`.

export type Vars = Record<string, string | number | boolean>;

const PLACEHOLDER = /\{\{\s*(\w+)\s*\}\}/g;

/** Every placeholder name used anywhere in `value` (strings inside arrays and objects too). */
export function placeholders(value: unknown, found = new Set<string>()): Set<string> {
  if (typeof value === 'string') for (const m of value.matchAll(PLACEHOLDER)) found.add(m[1]!);
  else if (Array.isArray(value)) value.forEach((v) => placeholders(v, found));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => placeholders(v, found));
  return found;
}

/** A deep copy of `value` with placeholders replaced; names not in `vars` are left as written. */
export function fill<T>(value: T, vars: Vars): T {
  if (typeof value === 'string') return value.replace(PLACEHOLDER, (all, name: string) => (name in vars ? String(vars[name]) : all)) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => fill(v, vars)) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, vars)])) as T;
  return value;
}
