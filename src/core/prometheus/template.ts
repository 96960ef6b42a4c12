import { UsageError } from '../../errors.js';

export interface QueryVars {
  env: string;
  weight: number;
  /** Milliseconds; rendered as a PromQL duration ("45s"). */
  windowMs: number;
}

const KNOWN = new Set(['env', 'weight', 'window']);

/** Fill {{env}}, {{weight}} and {{window}} in a PromQL template. Unknown placeholders are config errors. */
export function renderQuery(template: string, vars: QueryVars, where = 'ramp.sources.prometheus'): string {
  return template.replace(/\{\{\s*([A-Za-z_]\w*)\s*\}\}/g, (_m, name: string) => {
    if (!KNOWN.has(name)) {
      throw new UsageError(`${where}: unknown placeholder {{${name}}} in PromQL`, { hint: 'use {{env}}, {{weight}} or {{window}}' });
    }
    if (name === 'env') return vars.env;
    if (name === 'weight') return String(vars.weight);
    return promDuration(vars.windowMs);
  });
}

/** Whole seconds, at least 1s: PromQL range selectors reject fractions like "1.5s". */
export function promDuration(ms: number): string {
  return `${Math.max(1, Math.ceil(ms / 1000))}s`;
}
