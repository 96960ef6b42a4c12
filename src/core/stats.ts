// Latency summaries for probes and gates.
// Percentiles use the nearest-rank method: the result is always a value that was observed, and with few
// samples p95/p99 are the maximum, which is the honest answer for a gate.

export interface Summary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  min: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentile (p in [0, 100]) of the values; undefined when there are none. */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within 0..100, got ${p}`);
  if (values.length === 0) return undefined;
  return rank([...values].sort(ascending), p);
}

/** count, p50/p95/p99, min, max and mean; undefined for no values, so a gate cannot pass on an empty sample. */
export function summarize(values: readonly number[]): Summary | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort(ascending);
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    count: sorted.length,
    p50: rank(sorted, 50),
    p95: rank(sorted, 95),
    p99: rank(sorted, 99),
    min: sorted[0]!,
    max: sorted[sorted.length - 1]!,
    mean: sum / sorted.length,
  };
}

function rank(sorted: readonly number[], p: number): number {
  const index = Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1;
  return sorted[index]!;
}

function ascending(a: number, b: number): number {
  return a - b;
}
