import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { percentile, summarize } from '../../src/core/stats.js';

describe('percentile (nearest rank)', () => {
  const oneToTen = [7, 3, 10, 1, 5, 9, 2, 8, 4, 6];

  it('returns observed values by nearest rank', () => {
    expect(percentile(oneToTen, 50)).toBe(5);
    expect(percentile(oneToTen, 90)).toBe(9);
    expect(percentile(oneToTen, 95)).toBe(10);
    expect(percentile(oneToTen, 0)).toBe(1);
    expect(percentile(oneToTen, 100)).toBe(10);
    expect(percentile([42], 99)).toBe(42);
  });

  it('does not reorder the caller’s array', () => {
    const values = [3, 1, 2];
    percentile(values, 50);
    expect(values).toEqual([3, 1, 2]);
  });

  it('has no answer for no samples and rejects a p outside 0..100', () => {
    expect(percentile([], 50)).toBeUndefined();
    expect(() => percentile([1], 101)).toThrow(RangeError);
    expect(() => percentile([1], Number.NaN)).toThrow(RangeError);
  });

  it('is monotonic in p and stays within [min, max]', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ noNaN: true, min: -1e6, max: 1e6 }), { minLength: 1 }),
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 0, max: 100 }),
        (values, a, b) => {
          const [lo, hi] = a <= b ? [a, b] : [b, a];
          const pLo = percentile(values, lo)!;
          const pHi = percentile(values, hi)!;
          return pLo <= pHi && pLo >= Math.min(...values) && pHi <= Math.max(...values) && values.includes(pLo);
        },
      ),
    );
  });
});

describe('summarize', () => {
  it('reports count, percentiles, min, max and mean', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(summarize(values)).toEqual({ count: 100, p50: 50, p95: 95, p99: 99, min: 1, max: 100, mean: 50.5 });
  });

  it('is undefined for no samples, so a gate cannot pass on nothing', () => {
    expect(summarize([])).toBeUndefined();
  });
});
