// The shapes of /api/v1/query answers and how a gate reads one number out of them.

export interface Sample {
  metric: Record<string, string>;
  value: number;
}

export type QueryResult = { resultType: 'scalar'; value: number } | { resultType: 'vector'; samples: Sample[] };

export class PromResultError extends Error {}

/** Parse the `data` member of a successful answer. Prometheus writes numbers as strings ("NaN", "+Inf"). */
export function parseResult(data: unknown): QueryResult {
  const d = data as { resultType?: unknown; result?: unknown };
  if (d?.resultType === 'scalar' && Array.isArray(d.result)) return { resultType: 'scalar', value: promNumber(d.result[1]) };
  if (d?.resultType === 'vector' && Array.isArray(d.result)) {
    const samples = d.result.map((s: { metric?: Record<string, string>; value?: unknown[] }) => ({
      metric: s.metric ?? {},
      value: promNumber(s.value?.[1]),
    }));
    return { resultType: 'vector', samples };
  }
  throw new PromResultError(`expected a scalar or an instant vector, got ${typeof d?.resultType === 'string' ? d.resultType : 'nothing'}`);
}

/**
 * One number for a gate. An empty vector or NaN (0/0 when nothing was served) is "no data",
 * not zero: an idle target must not look perfectly healthy.
 */
export function singleValue(result: QueryResult): number | undefined {
  if (result.resultType === 'scalar') return finiteOrUndefined(result.value);
  if (result.samples.length === 0) return undefined;
  if (result.samples.length > 1) {
    throw new PromResultError(`returned ${result.samples.length} series, expected one: aggregate with sum(), max() or histogram_quantile()`);
  }
  return finiteOrUndefined(result.samples[0]!.value);
}

function finiteOrUndefined(v: number): number | undefined {
  return Number.isNaN(v) ? undefined : v;
}

/** "+Inf" (a latency beyond the last histogram bucket) is not a JavaScript number literal. */
function promNumber(raw: unknown): number {
  if (raw === '+Inf') return Infinity;
  if (raw === '-Inf') return -Infinity;
  return Number(raw);
}
