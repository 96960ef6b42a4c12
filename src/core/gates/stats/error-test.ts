import { pct, pValue } from '../format.js';
import type { Figures, Thresholds } from '../types.js';
import { binomialUpperTail, fisherUpperTail } from './distributions.js';
import { DEFAULT_ALPHA, MIN_ERRORS_TO_FAIL } from './samples.js';

export interface ErrorJudgement {
  outcome: 'pass' | 'fail' | 'inconclusive';
  /** Set unless it passed. */
  reason?: string;
  /** P(this many errors | the tolerated rate): one-sided binomial. */
  binomialP?: number;
  /** P(this many errors | target errs like legacy did in the same window): one-sided Fisher. */
  fisherP?: number;
}

/**
 * The error gate with per-request counts. An observed rate at or under maxErrorRate passes, as
 * before. Above it, the window fails only when the errors are significant at gates.alpha both
 * against the tolerated rate (binomial) and against legacy's rate in the same window (Fisher,
 * when legacy had minSamples requests), and number at least MIN_ERRORS_TO_FAIL. Above the limit
 * but not yet significant is inconclusive: the stage holds and the trailing window grows, so it
 * never passes on a rate over the limit.
 */
export function judgeErrorCount(target: Figures, legacy: Figures | undefined, limits: Thresholds): ErrorJudgement {
  const n = target.requests ?? 0;
  const k = target.errors ?? 0;
  if (n === 0 || k / n <= limits.maxErrorRate) return { outcome: 'pass' };
  const alpha = limits.alpha ?? DEFAULT_ALPHA;
  const binomialP = binomialUpperTail(k, n, limits.maxErrorRate);
  const baseline = legacy?.requests !== undefined && legacy.requests >= Math.max(1, limits.minSamples) ? legacy : undefined;
  const fisherP = baseline ? fisherUpperTail(k, n, baseline.errors ?? 0, baseline.requests!) : undefined;
  const figures = [`binomial ${pValue(binomialP)}`, ...(fisherP === undefined ? [] : [`vs legacy Fisher ${pValue(fisherP)}`])].join(', ');
  const head = `error rate ${pct(k / n)} > ${pct(limits.maxErrorRate)}`;
  const result = { binomialP, fisherP };
  if (k < MIN_ERRORS_TO_FAIL) return { ...result, outcome: 'inconclusive', reason: `${head} but ${k} error${k === 1 ? '' : 's'} < ${MIN_ERRORS_TO_FAIL} needed to fail` };
  if (binomialP <= alpha && (fisherP === undefined || fisherP <= alpha)) {
    return { ...result, outcome: 'fail', reason: `${head} (${k} errors; ${figures} ≤ α ${alpha})` };
  }
  return { ...result, outcome: 'inconclusive', reason: `${head} but not significant yet (${k} errors; ${figures}, α ${alpha})` };
}
