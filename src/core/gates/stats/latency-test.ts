import { summarize } from '../../stats.js';
import { ms, pValue, ratio } from '../format.js';
import type { Check, Thresholds } from '../types.js';
import { mannWhitneyGreater, type RankTest } from './mann-whitney.js';
import { DEFAULT_ALPHA, P95_MIN_SAMPLES, RANK_TEST_MIN_SAMPLES } from './samples.js';

export interface LatencyJudgement extends RankTest {
  outcome: 'pass' | 'fail';
  /** Which statistic the effect size compares: p95 with enough samples a side, else the median. */
  statistic: 'p95' | 'p50';
  target: number;
  legacy: number;
  ratio: number;
  reason: string;
}

/**
 * Target slower than legacy in the same window? Fails only when both hold: the one-sided
 * Mann-Whitney test says target is slower at gates.alpha, AND the slowdown is larger than
 * tolerated (p95 ratio, or the median's below 20 samples a side, over maxP95Ratio and more
 * than p95RatioFloorMs). Undefined when either side has too few samples to judge.
 */
export function judgeLatency(targetMs: readonly number[], legacyMs: readonly number[], limits: Thresholds): LatencyJudgement | undefined {
  const need = Math.max(RANK_TEST_MIN_SAMPLES, limits.minSamples);
  if (targetMs.length < need || legacyMs.length < need) return undefined;
  const test = mannWhitneyGreater(targetMs, legacyMs);
  const t = summarize(targetMs)!;
  const l = summarize(legacyMs)!;
  const statistic = targetMs.length >= P95_MIN_SAMPLES && legacyMs.length >= P95_MIN_SAMPLES ? 'p95' : 'p50';
  const [tv, lv] = [t[statistic], l[statistic]];
  const r = lv > 0 ? tv / lv : tv > 0 ? Infinity : 1;
  const alpha = limits.alpha ?? DEFAULT_ALPHA;
  const figures = `Mann-Whitney U=${test.u} ${pValue(test.p)} n=${test.n1}/${test.n2}`;
  const slower = test.p <= alpha && r > limits.maxP95Ratio && tv - lv > limits.p95RatioFloorMs;
  const base = { ...test, statistic, target: tv, legacy: lv, ratio: r } as const;
  if (slower) {
    return { ...base, outcome: 'fail', reason: `${statistic} ${ms(tv)} is ${ratio(r)} legacy's ${ms(lv)} > ${ratio(limits.maxP95Ratio)} (${figures} ≤ α ${alpha})` };
  }
  return { ...base, outcome: 'pass', reason: figures };
}

/** What a check stores of the test: U, p, n and the effect size. */
export function latencyFigures(j: LatencyJudgement): NonNullable<NonNullable<Check['tests']>['latency']> {
  return { u: j.u, p: j.p, n1: j.n1, n2: j.n2, statistic: j.statistic, ratio: j.ratio };
}
