import { formatDuration } from '../config/duration.js';
import { combine } from './combine.js';
import { seconds } from './format.js';
import type { Check, Outcome } from './types.js';

// The soak of one stage as a pure state machine: the caller measures, passes the checks and
// the time in, and does what the returned action says. No clock, no I/O.

export interface SoakPolicy {
  soakMs: number;
  intervalMs: number;
  /** Inconclusive windows that extend the soak before giving up. */
  maxExtensions: number;
  /** This many source errors in a row abort the stage (we would be ramping blind). */
  maxSourceErrors: number;
  /** After a source error the next reading comes this soon (capped at the interval), not a whole interval later. */
  errorRetryMs: number;
  /** A person can decide: an undecidable stage pauses instead of failing. */
  interactive: boolean;
}

export interface SoakState {
  stageIndex: number;
  weight: number;
  /** How the decision line names the stage (`shadow 10%`); `<weight>%` when unset. */
  label?: string;
  startedAt: number;
  /** When the stage may pass; moved out by extensions. */
  endsAt: number;
  /** When the next decision is due. */
  nextAt: number;
  extensions: number;
  consecutiveErrors: number;
}

/** continue: measure again at nextAt · advance: next stage · rollback: now · pause: ask a person. */
export type Action = 'continue' | 'extend' | 'advance' | 'rollback' | 'pause';

export interface Decision {
  at: number;
  stageIndex: number;
  weight: number;
  outcome: Outcome;
  action: Action;
  /** One printable line: `stage 20%: error rate 4.1% > 1.0% over 212 requests → rolling back`. */
  line: string;
  checks: Check[];
}

export function startSoak(policy: SoakPolicy, stageIndex: number, weight: number, now: number, label?: string): SoakState {
  const endsAt = now + policy.soakMs;
  return { stageIndex, weight, ...(label ? { label } : {}), startedAt: now, endsAt, nextAt: Math.min(now + policy.intervalMs, endsAt), extensions: 0, consecutiveErrors: 0 };
}

/** The window the next reading should cover: the trailing soak length, so extensions see fresh data. */
export function measureWindow(state: SoakState, policy: SoakPolicy, now: number): { from: number; to: number } {
  return { from: Math.max(state.startedAt, now - policy.soakMs), to: now };
}

export function decide(state: SoakState, policy: SoakPolicy, checks: Check[], now: number): { state: SoakState; decision: Decision } {
  const combined = combine(checks);
  const ended = now >= state.endsAt;
  const next = { ...state, consecutiveErrors: combined.outcome === 'error' ? state.consecutiveErrors + 1 : 0 };
  const { action, suffix } = choose(combined.outcome, next, policy, ended, now);
  if (action === 'extend') {
    next.extensions += 1;
    next.endsAt = now + policy.soakMs;
  }
  next.nextAt = action === 'continue' || action === 'extend' ? nextDecisionAt(next, policy, now, combined.outcome === 'error') : now;
  const line = `stage ${state.label ?? `${state.weight}%`}: ${combined.reason} → ${suffix}`;
  const decision: Decision = { at: now, stageIndex: state.stageIndex, weight: state.weight, outcome: combined.outcome, action, line, checks };
  return { state: next, decision };
}

function choose(outcome: Outcome, s: SoakState, p: SoakPolicy, ended: boolean, now: number): { action: Action; suffix: string } {
  switch (outcome) {
    case 'fail':
      return { action: 'rollback', suffix: 'rolling back' };
    case 'error':
      if (s.consecutiveErrors >= p.maxSourceErrors) {
        return { action: 'rollback', suffix: `rolling back: gates unreadable ${s.consecutiveErrors} times in a row` };
      }
      return { action: 'continue', suffix: `retrying in ${formatDuration(retryDelay(p))} (${s.consecutiveErrors} of ${p.maxSourceErrors} errors in a row)` };
    case 'inconclusive':
      if (!ended) return { action: 'continue', suffix: holding(s, now) };
      if (s.extensions < p.maxExtensions) {
        return { action: 'extend', suffix: `extending the soak by ${seconds(p.soakMs)} (${s.extensions + 1}/${p.maxExtensions})` };
      }
      return p.interactive
        ? { action: 'pause', suffix: `pausing: still inconclusive after ${p.maxExtensions} extensions` }
        : { action: 'rollback', suffix: `rolling back: still inconclusive after ${p.maxExtensions} extensions` };
    case 'pass':
      return ended ? { action: 'advance', suffix: 'advancing' } : { action: 'continue', suffix: holding(s, now) };
  }
}

function holding(s: SoakState, now: number): string {
  return `holding (${seconds(now - s.startedAt)} of ${seconds(s.endsAt - s.startedAt)})`;
}

/** Every interval (soon after a source error), and exactly at the end of the window; past the end, one step on. */
function nextDecisionAt(s: SoakState, p: SoakPolicy, now: number, error: boolean): number {
  const next = now + (error ? retryDelay(p) : p.intervalMs);
  return now < s.endsAt ? Math.min(next, s.endsAt) : next;
}

// A blind stretch of maxSourceErrors whole intervals is too long: a hiccup gets a quick second look.
function retryDelay(p: SoakPolicy): number {
  return Math.min(p.intervalMs, p.errorRetryMs);
}
