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
 * larger values than `baseline`? Exact when there are no ties and n1 × n2 ≤ EXACT_MAX_PAIRS;
 * otherwise the normal approximation with tie and continuity correction, close to exact from
 * about 8 samples a side. Returns p = 1 when either sample is empty.
 */
export function mannWhitneyGreater(slower: readonly number[], baseline: readonly number[]): RankTest {
  const n1 = slower.length;
  const n2 = baseline.length;
  if (n1 === 0 || n2 === 0) return { u: 0, p: 1, n1, n2 };
  const all = [...slower.map((v) => ({ v, first: true })), ...baseline.map((v) => ({ v, first: false }))].sort((a, b) => a.v - b.v);
  let rankSum = 0;
  let tieTerm = 0;
  for (let i = 0; i < all.length;) {
    let j = i;
    while (j < all.length && all[j]!.v === all[i]!.v) j++;
    const rank = (i + 1 + j) / 2; // average rank of the tied run i..j-1 (1-based)
    for (let k = i; k < j; k++) if (all[k]!.first) rankSum += rank;
    const t = j - i;
    tieTerm += t * t * t - t;
    i = j;
  }
  const u = rankSum - (n1 * (n1 + 1)) / 2;
  if (tieTerm === 0 && n1 * n2 <= EXACT_MAX_PAIRS) return { u, p: exactUpperTail(u, n1, n2), n1, n2 };
  const n = n1 + n2;
  const mean = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (variance <= 0) return { u, p: 1, n1, n2 }; // every value equal: no evidence either way
  const z = (u - mean - 0.5) / Math.sqrt(variance);
  return { u, p: normalUpperTail(z), n1, n2 };
}

/** Up to 20 × 20 samples the exact distribution is a small table. */
const EXACT_MAX_PAIRS = 400;

/** P(U ≥ u) without ties: the share of the C(n1+n2, n1) orderings whose U is at least u. */
function exactUpperTail(u: number, n1: number, n2: number): number {
  // prev[j][k]: orderings of j first-sample and i - 1 second-sample values with U = k.
  const max = n1 * n2;
  let prev: number[][] = Array.from({ length: n1 + 1 }, () => {
    const row = new Array<number>(max + 1).fill(0);
    row[0] = 1; // with no second-sample values, U is 0 whatever j is
    return row;
  });
  for (let i = 1; i <= n2; i++) {
    const next: number[][] = [];
    for (let j = 0; j <= n1; j++) {
      const row = new Array<number>(max + 1).fill(0);
      for (let k = 0; k <= max; k++) {
        // The largest value is either a second-sample value (U unchanged) or a first-sample one (beats all i).
        row[k] = prev[j]![k]! + (j > 0 && k >= i ? next[j - 1]![k - i]! : 0);
      }
      next.push(row);
    }
    prev = next;
  }
  const counts = prev[n1]!;
  const total = counts.reduce((a, b) => a + b, 0);
  let tail = 0;
  for (let k = Math.ceil(u); k <= max; k++) tail += counts[k]!;
  return tail / total;
}
