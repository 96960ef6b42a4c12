import type { Check, Outcome } from './types.js';

// The worst outcome wins. An error outranks a pass: a source we cannot read must not be
// taken as healthy, and a fail from any source outranks everything.
const RANK: Record<Outcome, number> = { pass: 0, inconclusive: 1, error: 2, fail: 3 };

export interface Combined {
  outcome: Outcome;
  /** The reason of the deciding checks (all of them when everything passed). */
  reason: string;
  checks: Check[];
}

export function combine(checks: Check[]): Combined {
  if (checks.length === 0) return { outcome: 'inconclusive', reason: 'no gate source configured', checks };
  const worst = checks.reduce((a, b) => (RANK[b.outcome] > RANK[a.outcome] ? b : a)).outcome;
  const deciding = checks.filter((c) => c.outcome === worst);
  return { outcome: worst, reason: deciding.map((c) => label(c, checks.length)).join('; '), checks };
}

/** Name the source only when there are several, so the common one-source line stays short. */
function label(check: Check, count: number): string {
  // A labelled source always says which traffic it judged ("real traffic: …").
  if (check.label) return `${check.label}: ${check.reason}`;
  if (count === 1 || check.outcome === 'error' || check.reason.startsWith(check.source)) return check.reason;
  return `${check.source}: ${check.reason}`;
}
