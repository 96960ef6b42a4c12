import { describe, expect, it } from 'vitest';
import { decide, measureWindow, startSoak, type SoakPolicy, type SoakState } from '../../src/core/gates/controller.js';
import type { Check, Outcome } from '../../src/core/gates/types.js';

const policy: SoakPolicy = { soakMs: 60_000, intervalMs: 10_000, maxExtensions: 2, maxSourceErrors: 3, errorRetryMs: 2000, interactive: false };
const check = (outcome: Outcome, reason = `${outcome} reason`): Check[] => [{ source: 'probes', outcome, reason }];

/** Feed outcomes at each due time; returns every decision. */
function soak(outcomes: Outcome[], p: SoakPolicy = policy) {
  let state: SoakState = startSoak(p, 1, 20, 0);
  const decisions = [];
  for (const outcome of outcomes) {
    const r = decide(state, p, check(outcome), state.nextAt);
    state = r.state;
    decisions.push(r.decision);
    if (r.decision.action !== 'continue' && r.decision.action !== 'extend') break;
  }
  return { decisions, state, last: decisions[decisions.length - 1]! };
}

describe('stage controller', () => {
  it('decides every interval and advances when the window passes', () => {
    const { decisions, last } = soak(Array(6).fill('pass'));
    expect(decisions.map((d) => d.at)).toEqual([10_000, 20_000, 30_000, 40_000, 50_000, 60_000]);
    expect(decisions.slice(0, 5).every((d) => d.action === 'continue')).toBe(true);
    expect(last).toMatchObject({ action: 'advance', line: 'stage 20%: pass reason → advancing' });
  });

  it('ends the window exactly at the soak even when the interval does not divide it', () => {
    const p = { ...policy, soakMs: 25_000 };
    const { decisions } = soak(['pass', 'pass', 'pass'], p);
    expect(decisions.map((d) => [d.at, d.action])).toEqual([
      [10_000, 'continue'],
      [20_000, 'continue'],
      [25_000, 'advance'],
    ]);
  });

  it('rolls back at once on a fail, ending the soak early', () => {
    const { decisions, last } = soak(['pass', 'fail', 'pass']);
    expect(decisions).toHaveLength(2);
    expect(last).toMatchObject({ at: 20_000, action: 'rollback', outcome: 'fail', line: 'stage 20%: fail reason → rolling back' });
  });

  it('holds through inconclusive intervals inside the window', () => {
    const { decisions } = soak(['inconclusive', 'inconclusive', 'pass', 'pass', 'pass', 'pass']);
    expect(decisions.map((d) => d.action)).toEqual(['continue', 'continue', 'continue', 'continue', 'continue', 'advance']);
    expect(decisions[0]!.line).toBe('stage 20%: inconclusive reason → holding (10s of 60s)');
  });

  it('extends an inconclusive window up to maxExtensions, then fails in CI', () => {
    const { decisions, last, state } = soak(Array(30).fill('inconclusive'));
    const extends_ = decisions.filter((d) => d.action === 'extend');
    expect(extends_.map((d) => d.at)).toEqual([60_000, 120_000]);
    expect(extends_[0]!.line).toBe('stage 20%: inconclusive reason → extending the soak by 60s (1/2)');
    expect(state.extensions).toBe(2);
    expect(last).toMatchObject({ at: 180_000, action: 'rollback', line: 'stage 20%: inconclusive reason → rolling back: still inconclusive after 2 extensions' });
  });

  it('pauses instead when a person can decide', () => {
    const { last } = soak(Array(30).fill('inconclusive'), { ...policy, interactive: true });
    expect(last).toMatchObject({ at: 180_000, action: 'pause' });
  });

  it('an extended window that then passes advances', () => {
    const outcomes: Outcome[] = [...Array(6).fill('inconclusive'), ...Array(6).fill('pass')];
    const { last } = soak(outcomes);
    expect(last).toMatchObject({ at: 120_000, action: 'advance' });
  });

  it('with maxExtensions 0 an inconclusive window fails at its end', () => {
    const { last } = soak(Array(10).fill('inconclusive'), { ...policy, maxExtensions: 0 });
    expect(last).toMatchObject({ at: 60_000, action: 'rollback' });
  });

  it('retries source errors and aborts only after maxSourceErrors in a row', () => {
    const { decisions, last } = soak(['error', 'error', 'error', 'pass']);
    expect(decisions.map((d) => d.action)).toEqual(['continue', 'continue', 'rollback']);
    expect(decisions[0]!.line).toBe('stage 20%: error reason → retrying in 2s (1 of 3 errors in a row)');
    expect(last.line).toBe('stage 20%: error reason → rolling back: gates unreadable 3 times in a row');
  });

  it('an unreadable gate is read again after errorRetry, not a whole interval later', () => {
    const { decisions } = soak(['error', 'error', 'error']);
    expect(decisions.map((d) => d.at)).toEqual([10_000, 12_000, 14_000]);
    // Never later than the interval, so a short interval is not slowed down by the retry.
    const quick = soak(['error', 'error'], { ...policy, intervalMs: 500 });
    expect(quick.decisions.map((d) => d.at)).toEqual([500, 1000]);
    expect(quick.decisions[0]!.line).toContain('retrying in 500ms');
  });

  it('a reading between errors resets the count', () => {
    const { decisions } = soak(['error', 'error', 'pass', 'error', 'error', 'pass', 'pass', 'pass', 'pass', 'pass']);
    expect(decisions.map((d) => d.action)).toEqual([...Array(9).fill('continue'), 'advance']);
  });

  it('an error at the end of the window is never taken as a pass: it retries past the end', () => {
    const { decisions } = soak(['pass', 'pass', 'pass', 'pass', 'pass', 'error', 'pass']);
    expect(decisions.slice(5).map((d) => [d.at, d.action])).toEqual([
      [60_000, 'continue'],
      [62_000, 'advance'],
    ]);
  });

  it('measures over the trailing soak length, so an extension judges fresh data', () => {
    const s = startSoak(policy, 0, 5, 1000);
    expect(measureWindow(s, policy, 31_000)).toEqual({ from: 1000, to: 31_000 });
    expect(measureWindow(s, policy, 91_000)).toEqual({ from: 31_000, to: 91_000 });
  });

  it('keeps every check in the decision for the state file', () => {
    const checks: Check[] = [{ source: 'probes', outcome: 'pass', reason: 'ok', target: { requests: 40, errors: 0, p95Ms: 100 } }];
    const { decision } = decide(startSoak(policy, 0, 5, 0), policy, checks, 10_000);
    expect(decision).toMatchObject({ stageIndex: 0, weight: 5, checks });
  });
});
