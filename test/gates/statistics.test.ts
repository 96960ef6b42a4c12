// The statistical gates on generated windows: identical providers fail no more often than
// gates.alpha allows, a real 2x slowdown or a 5-point error increase is caught, and a
// percentile is never judged from too few samples. Seeds are fixed so a failure reproduces.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/core/gates/evaluate.js';
import { binomialUpperTail, fisherUpperTail, normalUpperTail } from '../../src/core/gates/stats/distributions.js';
import { mannWhitneyGreater } from '../../src/core/gates/stats/mann-whitney.js';
import type { Check, Figures, Reading, Thresholds } from '../../src/core/gates/types.js';
import { summarize } from '../../src/core/stats.js';

const ALPHA = 0.01;
const WINDOWS = 200;
/** Generous limits so each property isolates one gate. */
const limits: Thresholds = { maxErrorRate: 0.01, maxP95Ms: 1e9, maxP95Ratio: 1.2, p95RatioFloorMs: 0, minSamples: 20, alpha: ALPHA };

/** mulberry32: a small seeded PRNG, so one generated integer stands for a whole window. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Lognormal latencies in whole ms (as nginx logs them, so ties happen). */
function latencies(random: () => number, n: number, medianMs: number, sigma: number): number[] {
  return Array.from({ length: n }, () => {
    const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    return Math.max(1, Math.round(medianMs * Math.exp(sigma * z)));
  });
}

function errorsOf(random: () => number, n: number, rate: number): number {
  let k = 0;
  for (let i = 0; i < n; i++) if (random() < rate) k++;
  return k;
}

/** A gateway reading with these samples and error counts. */
function reading(target: number[], legacy: number[], errors: { target: number; legacy: number }): Reading {
  const fig = (s: number[], e: number): Figures => ({ requests: s.length, errors: e, p95Ms: summarize(s)?.p95 });
  return {
    source: 'gateway',
    kind: 'measurement',
    label: 'real traffic',
    countedErrors: true,
    target: fig(target, errors.target),
    legacy: fig(legacy, errors.legacy),
    samples: { target, legacy },
  };
}

/** The failure share over generated windows, with a binomial margin of three standard deviations. */
function failShare(checks: Check[]): number {
  return checks.filter((c) => c.outcome === 'fail').length / checks.length;
}
const MARGIN = 3 * Math.sqrt((ALPHA * (1 - ALPHA)) / WINDOWS);

const window = fc.record({
  seed: fc.integer(),
  nTarget: fc.integer({ min: 20, max: 300 }),
  nLegacy: fc.integer({ min: 20, max: 600 }),
  medianMs: fc.integer({ min: 40, max: 3000 }),
  sigma: fc.double({ min: 0.1, max: 1.2, noNaN: true }),
  errorRate: fc.double({ min: 0, max: 0.05, noNaN: true }),
});

describe('distribution functions against known values', () => {
  it('normal tail, binomial tail, Fisher exact', () => {
    expect(normalUpperTail(1.6448536)).toBeCloseTo(0.05, 6);
    expect(normalUpperTail(-1.959964)).toBeCloseTo(0.975, 6);
    expect(binomialUpperTail(1, 20, 0.01)).toBeCloseTo(1 - 0.99 ** 20, 10);
    expect(binomialUpperTail(18, 300, 0.01)).toBeLessThan(1e-7);
    expect(binomialUpperTail(0, 10, 0.5)).toBe(1);
    // Fisher's tea-tasting table (3 of 4 right): one-sided p = 17/70.
    expect(fisherUpperTail(3, 4, 1, 4)).toBeCloseTo(17 / 70, 10);
    expect(fisherUpperTail(0, 100, 0, 100)).toBe(1);
  });

  it('Mann-Whitney U and its tie-corrected normal approximation', () => {
    // Every target value above every legacy value: U = n1 * n2.
    const r = mannWhitneyGreater([10, 11, 12, 13, 14, 15, 16, 17], [1, 2, 3, 4, 5, 6, 7, 8]);
    expect(r).toMatchObject({ u: 64, n1: 8, n2: 8 });
    expect(r.p).toBeLessThan(0.001);
    expect(mannWhitneyGreater([1, 2, 3, 4, 5, 6, 7, 8], [10, 11, 12, 13, 14, 15, 16, 17]).p).toBeGreaterThan(0.999);
    // Exact without ties: only 1 of the C(16, 8) = 12870 orderings puts all eight above.
    expect(r.p).toBeCloseTo(1 / 12870, 12);
    // U ≥ 1 for 3 vs 4 values: every ordering but the one with U = 0, 34 of 35.
    expect(mannWhitneyGreater([1, 2, 4], [3, 5, 6, 7]).p).toBeCloseTo(34 / 35, 12);
    // The exact and the normal tail agree where both apply (20 a side, a shift of 3).
    const exact = mannWhitneyGreater(
      Array.from({ length: 20 }, (_, i) => 2 * i + 6.5),
      Array.from({ length: 20 }, (_, i) => 2 * i),
    );
    const normal = normalUpperTail((exact.u - 200 - 0.5) / Math.sqrt((400 * 41) / 12));
    expect(exact.p).toBeGreaterThan(0.01);
    expect(Math.abs(exact.p - normal)).toBeLessThan(0.002);
    // All tied: no evidence either way.
    expect(mannWhitneyGreater([5, 5, 5], [5, 5, 5]).p).toBe(1);
    // A textbook value: U = 3 for (1,2,4) vs (3,5,6,7)... as the "greater" statistic of the first sample.
    expect(mannWhitneyGreater([1, 2, 4], [3, 5, 6, 7]).u).toBe(1);
  });
});

describe('identical providers fail no more often than gates.alpha', () => {
  it(`latency: ${WINDOWS} windows of the same lognormal distribution`, () => {
    const checks = fc.sample(window, { numRuns: WINDOWS, seed: 42 }).map((w) => {
      const random = rng(w.seed);
      return evaluate(reading(latencies(random, w.nTarget, w.medianMs, w.sigma), latencies(random, w.nLegacy, w.medianMs, w.sigma), { target: 0, legacy: 0 }), limits);
    });
    expect(failShare(checks)).toBeLessThanOrEqual(ALPHA + MARGIN);
  });

  it(`errors: ${WINDOWS} windows with the same error rate on both sides (up to 5%, over maxErrorRate 1%)`, () => {
    const checks = fc.sample(window, { numRuns: WINDOWS, seed: 7 }).map((w) => {
      const random = rng(w.seed);
      const [t, l] = [latencies(random, w.nTarget, w.medianMs, 0.3), latencies(random, w.nLegacy, w.medianMs, 0.3)];
      return evaluate(reading(t, l, { target: errorsOf(random, t.length, w.errorRate), legacy: errorsOf(random, l.length, w.errorRate) }), limits);
    });
    expect(failShare(checks)).toBeLessThanOrEqual(ALPHA + MARGIN);
  });

  it('the same holds at a stricter alpha', () => {
    const strict = { ...limits, alpha: 0.001 };
    const checks = fc.sample(window, { numRuns: WINDOWS, seed: 3 }).map((w) => {
      const random = rng(w.seed);
      return evaluate(reading(latencies(random, w.nTarget, w.medianMs, w.sigma), latencies(random, w.nLegacy, w.medianMs, w.sigma), { target: 0, legacy: 0 }), strict);
    });
    expect(failShare(checks)).toBeLessThanOrEqual(0.001 + 3 * Math.sqrt(0.001 / WINDOWS));
  });
});

describe('real regressions are caught', () => {
  it('a 2x slowdown with at least 50 requests a side fails the window, and says U, p and n', () => {
    const slow = fc.record({
      seed: fc.integer(),
      n: fc.integer({ min: 50, max: 300 }),
      nLegacy: fc.integer({ min: 50, max: 600 }),
      medianMs: fc.integer({ min: 40, max: 3000 }),
      sigma: fc.double({ min: 0.1, max: 0.5, noNaN: true }),
    });
    const checks = fc.sample(slow, { numRuns: WINDOWS, seed: 11 }).map((w) => {
      const random = rng(w.seed);
      return evaluate(reading(latencies(random, w.n, 2 * w.medianMs, w.sigma), latencies(random, w.nLegacy, w.medianMs, w.sigma), { target: 0, legacy: 0 }), limits);
    });
    expect(failShare(checks)).toBeGreaterThanOrEqual(0.99);
    expect(checks.find((c) => c.outcome === 'fail')!.reason).toMatch(
      /^p95 \d+ms is \d\.\d\dx legacy's \d+ms > 1\.20x \(Mann-Whitney U=[\d.]+ p[=<][\d.]+ n=\d+\/\d+ ≤ α 0\.01\); target 0\.0% errors p95/,
    );
  });

  it('an error rate going from 1% to 6% over at least 300 requests fails nearly every window and never passes one', () => {
    const worse = fc.record({ seed: fc.integer(), n: fc.integer({ min: 300, max: 1000 }), nLegacy: fc.integer({ min: 300, max: 2000 }) });
    const checks = fc.sample(worse, { numRuns: WINDOWS, seed: 5 }).map((w) => {
      const random = rng(w.seed);
      const [t, l] = [latencies(random, w.n, 500, 0.3), latencies(random, w.nLegacy, 500, 0.3)];
      return evaluate(reading(t, l, { target: errorsOf(random, w.n, 0.06), legacy: errorsOf(random, w.nLegacy, 0.01) }), limits);
    });
    expect(checks.filter((c) => c.outcome === 'pass')).toEqual([]);
    expect(failShare(checks)).toBeGreaterThanOrEqual(0.95);
  });
});

describe('too few samples', () => {
  const gate = (target: number[], legacy: number[], over: Partial<Thresholds> = {}) =>
    evaluate(reading(target, legacy, { target: 0, legacy: 0 }), { ...limits, maxP95Ms: 3000, ...over });

  it('one 100 ms spike among six requests is not a p95 fail (the relay complaint)', () => {
    const c = gate([100, 102, 98, 101, 200, 99], [100, 99, 101, 100, 98, 102], { minSamples: 5, p95RatioFloorMs: 0 });
    expect(c.outcome).toBe('pass');
    expect(c.reason).toContain('p95 not judged (6 < 20 samples)');
  });

  it('a p95 over maxP95Ms is judged from 20 samples on', () => {
    const slow = Array.from({ length: 19 }, () => 4000);
    expect(gate(slow, slow, { minSamples: 5 }).outcome).toBe('pass');
    expect(gate([...slow, 4000], slow, { minSamples: 5 })).toMatchObject({ outcome: 'fail', reason: expect.stringMatching(/^p95 4000ms > 3000ms; target/) });
  });

  it("below minSamples real traffic is inconclusive, with both sides' figures", () => {
    const c = gate([100, 100], [100]);
    expect(c).toMatchObject({ outcome: 'inconclusive', reason: 'target 0.0% errors p95 100ms (2 req), legacy 0.0% errors p95 100ms (1 req): 2 requests < 20 needed' });
  });
});

describe('the error gate on small counts', () => {
  const counts = (k: number, n: number, kl = 0, nl = 1000) => evaluate(reading(Array(n).fill(100), Array(nl).fill(100), { target: k, legacy: kl }), limits);

  it('two errors in 20 requests are over the limit but not yet a fail: the stage holds', () => {
    expect(counts(2, 20)).toMatchObject({ outcome: 'inconclusive', reason: expect.stringMatching(/^error rate 10\.0% > 1\.0% but 2 errors < 3 needed to fail; /) });
  });

  it("three errors in 20 fail, with the tests' p-values in the line", () => {
    expect(counts(3, 20)).toMatchObject({
      outcome: 'fail',
      reason: expect.stringMatching(/^error rate 15\.0% > 1\.0% \(3 errors; binomial p=0\.001, vs legacy Fisher p[=<][\d.]+ ≤ α 0\.01\); target 15\.0% errors/),
    });
  });

  it('a rate over the limit that legacy shares is not blamed on target: it holds instead of failing', () => {
    expect(counts(15, 300, 50, 1000).outcome).toBe('inconclusive');
  });

  it('a rate at the limit passes, as before', () => {
    expect(counts(1, 100).outcome).toBe('pass');
  });
});

describe('probes carry their latencies: the same statistics apply', () => {
  const probes = (target: number[], legacy: number[], errors = 0): Reading => ({
    source: 'probes',
    kind: 'measurement',
    target: { requests: target.length, errors, p95Ms: summarize(target)?.p95 },
    legacy: { requests: legacy.length, errors: 0, p95Ms: summarize(legacy)?.p95 },
    samples: { target, legacy },
  });
  const probeLimits = { ...limits, maxP95Ms: 3000, p95RatioFloorMs: 50, minSamples: 3 };

  it('a 100 ms spike among a few probes is not a rollback (it was, by a p95 ratio of 6 samples)', () => {
    expect(evaluate(probes([300, 310, 305, 298, 302, 400], [300, 301, 299, 303, 298, 300]), probeLimits)).toMatchObject({
      outcome: 'pass',
      reason: 'error rate 0.0% ≤ 1.0%, p95 not judged (6 < 20 samples) over 6 requests',
    });
    const c = evaluate(probes([300, 310, 305, 298, 302, 297, 301, 400], [300, 301, 299, 303, 298, 300, 302, 299]), probeLimits);
    expect(c).toMatchObject({
      outcome: 'pass',
      reason: expect.stringMatching(/^error rate 0\.0% ≤ 1\.0%, p95 not judged \(8 < 20 samples\), vs legacy Mann-Whitney U=[\d.]+ p=0\.\d+ n=8\/8 over 8 requests$/),
    });
  });

  it("60 probes a side twice as slow fail with the test's figures", () => {
    const random = rng(99);
    const c = evaluate(probes(latencies(random, 60, 800, 0.3), latencies(random, 60, 400, 0.3)), probeLimits);
    expect(c).toMatchObject({
      outcome: 'fail',
      reason: expect.stringMatching(/^p95 \d+ms is [12]\.\d\dx legacy's \d+ms > 1\.20x \(Mann-Whitney U=[\d.]+ p<0\.0001 n=60\/60 ≤ α 0\.01\) over 60 requests$/),
    });
  });
});
