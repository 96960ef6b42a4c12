import type { SideResult } from './side.js';

/**
 * pass · regression (legacy passes, target fails) · both-fail · improved (legacy fails, target
 * passes) · error (a provider could not answer) · fail (only one provider ran and it failed).
 */
export type Verdict = 'pass' | 'regression' | 'both-fail' | 'improved' | 'error' | 'fail';

export const VERDICTS: readonly Verdict[] = ['pass', 'regression', 'both-fail', 'improved', 'error', 'fail'];

export function verdictOf(legacy: SideResult | undefined, target: SideResult | undefined): Verdict {
  const sides = [legacy, target].filter((s): s is SideResult => s !== undefined);
  if (sides.some((s) => s.status === 'error')) return 'error';
  if (!legacy || !target) return sides.every((s) => s.status === 'pass') ? 'pass' : 'fail';
  if (legacy.status === 'pass') return target.status === 'pass' ? 'pass' : 'regression';
  return target.status === 'pass' ? 'improved' : 'both-fail';
}
