import { normalUpperTail } from './distributions.js';

export interface RankTest {
  /** Mann-Whitney U of the first sample: pairs (x, y) with x > y, ties counting one half. */
  u: number;
  /** One-sided p-value for "the first sample is stochastically larger" (slower). */
  p: number;
  n1: number;
  n2: number;
}

/**
 * One-sided Mann-Whitney U test (the rank test Kayenta's judge uses): is `slower` made of
 * larger values than `baseline`? Normal approximation with tie correction and continuity
 * correction, which is close to exact from about 8 samples a side; callers ask for more.
 * Returns p = 1 when either sample is empty.
 */
export function mannWhitneyGreater(slower: readonly number[], baseline: readonly number[]): RankTest {
  const n1 = slower.length;
  const n2 = baseline.length;
  if (n1 === 0 || n2 === 0) return { u: 0, p: 1, n1, n2 };
  const all = [...slower.map((v) => ({ v, first: true })), ...baseline.map((v) => ({ v, first: false }))].sort((a, b) => a.v - b.v);
  let rankSum = 0;
  let tieTerm = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j < all.length && all[j]!.v === all[i]!.v) j++;
    const rank = (i + 1 + j) / 2; // average rank of the tied run i..j-1 (1-based)
    for (let k = i; k < j; k++) if (all[k]!.first) rankSum += rank;
    const t = j - i;
    tieTerm += t * t * t - t;
    i = j;
  }
  const u = rankSum - (n1 * (n1 + 1)) / 2;
  const n = n1 + n2;
  const mean = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (variance <= 0) return { u, p: 1, n1, n2 }; // every value equal: no evidence either way
  const z = (u - mean - 0.5) / Math.sqrt(variance);
  return { u, p: normalUpperTail(z), n1, n2 };
}
