// Retry decisions, pure so they are tested without servers.
import type { Failure, RetryPolicy } from './types.js';

const RETRYABLE_STATUS = new Set([408, 429, 500, 502, 503, 504]);

// Network errors that another attempt will not fix: a wrong host name or a bad certificate.
const PERMANENT_NETWORK_CODES = new Set([
  'ENOTFOUND',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

export interface AttemptOutcome {
  status?: number;
  failure?: Failure;
}

/** Network errors, timeouts (except the total budget running out), 408, 429 and 500/502/503/504. */
export function shouldRetry(outcome: AttemptOutcome): boolean {
  const { failure, status } = outcome;
  if (!failure) return false;
  if (failure.kind === 'network') return !PERMANENT_NETWORK_CODES.has(failure.code ?? '');
  if (failure.kind === 'timeout') return failure.code !== 'total_timeout';
  const s = status ?? failure.status;
  return s !== undefined && RETRYABLE_STATUS.has(s);
}

/** Full jitter: random(0, min(cap, base * 2^attempt)); attempt 0 is the first retry. */
export function backoffDelay(attempt: number, policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt));
  return clamp01(random()) * ceiling;
}

/** The wait a response asks for: `retry-after-ms` first (what OpenAI's SDKs read), then `Retry-After` in seconds or as an HTTP date. */
export function retryAfterMs(headers: Record<string, string | undefined>, now: number = Date.now()): number | undefined {
  const ms = parseNumber(headers['retry-after-ms']);
  if (ms !== undefined) return ms;
  const value = headers['retry-after']?.trim();
  if (!value) return undefined;
  const seconds = parseNumber(value);
  if (seconds !== undefined) return seconds * 1000;
  // An HTTP date has a month name; a bare "-3" must not parse as the year -3.
  const date = /[a-z]/i.test(value) ? Date.parse(value) : Number.NaN;
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * How long to wait before retry number `attempt` (0-based), or undefined when the wait would not fit in
 * the remaining total budget (retrying after the deadline only turns one failure into another).
 */
export function retryDelay(
  attempt: number,
  headers: Record<string, string | undefined>,
  policy: RetryPolicy,
  remainingMs: number,
  random: () => number = Math.random,
  now: number = Date.now(),
): number | undefined {
  const asked = retryAfterMs(headers, now);
  const wait = asked !== undefined ? Math.min(asked, policy.maxRetryAfterMs) : backoffDelay(attempt, policy, random);
  return wait < remainingMs ? wait : undefined;
}

function parseNumber(value: string | undefined): number | undefined {
  if (value === undefined || !/^\s*\d+(\.\d+)?\s*$/.test(value)) return undefined;
  return Number(value);
}

function clamp01(x: number): number {
  return x < 0 || Number.isNaN(x) ? 0 : x >= 1 ? 1 - Number.EPSILON : x;
}
