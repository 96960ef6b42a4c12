import type { Figures } from './types.js';

/** The measured error share: the source's own ratio when it has one (Prometheus), else errors / requests. */
export function errorRateOf(f: Figures): number | undefined {
  if (f.errorRate !== undefined) return f.errorRate;
  if (f.requests === undefined || f.requests === 0 || f.errors === undefined) return undefined;
  return f.errors / f.requests;
}
