import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelay, retryAfterMs, retryDelay, shouldRetry } from '../../src/core/http/retry.js';
import { DEFAULT_RETRY } from '../../src/core/http/defaults.js';
import type { Failure } from '../../src/core/http/types.js';

const failureFor = (status: number): Failure => ({ kind: status >= 500 ? 'server' : 'client', status, message: `HTTP ${status}` });

describe('shouldRetry', () => {
  it.each([408, 429, 500, 502, 503, 504])('retries HTTP %i', (status) => {
    expect(shouldRetry({ status, failure: failureFor(status) })).toBe(true);
  });

  it.each([400, 401, 403, 404, 409, 422, 501])('never retries HTTP %i', (status) => {
    expect(shouldRetry({ status, failure: failureFor(status) })).toBe(false);
  });

  it('retries network errors and phase timeouts, not the spent total budget', () => {
    expect(shouldRetry({ failure: { kind: 'network', code: 'ECONNRESET', message: 'reset' } })).toBe(true);
    expect(shouldRetry({ failure: { kind: 'network', message: 'something' } })).toBe(true);
    expect(shouldRetry({ failure: { kind: 'timeout', code: 'headers_timeout', message: 't' } })).toBe(true);
    expect(shouldRetry({ failure: { kind: 'timeout', code: 'total_timeout', message: 't' } })).toBe(false);
  });

  it('does not retry what another attempt cannot fix', () => {
    expect(shouldRetry({ failure: { kind: 'network', code: 'ENOTFOUND', message: 'dns' } })).toBe(false);
    expect(shouldRetry({ failure: { kind: 'network', code: 'CERT_HAS_EXPIRED', message: 'tls' } })).toBe(false);
    expect(shouldRetry({ status: 200, failure: { kind: 'error_body', status: 200, message: 'e' } })).toBe(false);
    expect(shouldRetry({ status: 200 })).toBe(false);
  });
});

describe('backoffDelay (full jitter)', () => {
  it('stays within [0, min(cap, base * 2^attempt)] for any attempt and random value', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (attempt, r) => {
        const delay = backoffDelay(attempt, DEFAULT_RETRY, () => r);
        const ceiling = Math.min(DEFAULT_RETRY.maxDelayMs, DEFAULT_RETRY.baseDelayMs * 2 ** attempt);
        return delay >= 0 && delay <= ceiling && delay <= DEFAULT_RETRY.maxDelayMs;
      }),
    );
  });

  it('doubles its ceiling from 500 ms up to the 8 s cap', () => {
    const nearlyOne = () => 0.999999;
    expect([0, 1, 2, 3, 4, 5, 9].map((a) => Math.round(backoffDelay(a, DEFAULT_RETRY, nearlyOne)))).toEqual([500, 1000, 2000, 4000, 8000, 8000, 8000]);
    expect(backoffDelay(3, DEFAULT_RETRY, () => 0)).toBe(0);
    expect(backoffDelay(1, DEFAULT_RETRY, () => 0.5)).toBe(500);
  });

  it('survives a broken random source', () => {
    expect(backoffDelay(2, DEFAULT_RETRY, () => 7)).toBeLessThanOrEqual(2000);
    expect(backoffDelay(2, DEFAULT_RETRY, () => -1)).toBe(0);
  });
});

describe('retryAfterMs', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');

  it('reads seconds, fractional seconds and HTTP dates', () => {
    expect(retryAfterMs({ 'retry-after': '2' }, now)).toBe(2000);
    expect(retryAfterMs({ 'retry-after': '1.5' }, now)).toBe(1500);
    expect(retryAfterMs({ 'retry-after': 'Wed, 01 Jan 2025 00:00:03 GMT' }, now)).toBe(3000);
    expect(retryAfterMs({ 'retry-after': 'Tue, 31 Dec 2024 23:59:00 GMT' }, now)).toBe(0);
  });

  it('prefers retry-after-ms', () => {
    expect(retryAfterMs({ 'retry-after-ms': '250', 'retry-after': '5' }, now)).toBe(250);
  });

  it('ignores absent or malformed values', () => {
    expect(retryAfterMs({}, now)).toBeUndefined();
    expect(retryAfterMs({ 'retry-after': 'soon' }, now)).toBeUndefined();
    expect(retryAfterMs({ 'retry-after': '-3' }, now)).toBeUndefined();
    expect(retryAfterMs({ 'retry-after-ms': 'x', 'retry-after': '1' }, now)).toBe(1000);
  });
});

describe('retryDelay', () => {
  it('caps a server-requested wait at maxRetryAfterMs', () => {
    expect(retryDelay(0, { 'retry-after': '60' }, DEFAULT_RETRY, 120_000)).toBe(10_000);
    expect(retryDelay(0, { 'retry-after': '60' }, { ...DEFAULT_RETRY, maxRetryAfterMs: 2000 }, 120_000)).toBe(2000);
  });

  it('gives up rather than wait past the total timeout', () => {
    expect(retryDelay(0, { 'retry-after': '5' }, DEFAULT_RETRY, 4000)).toBeUndefined();
    expect(retryDelay(0, { 'retry-after': '3' }, DEFAULT_RETRY, 4000)).toBe(3000);
  });

  it('falls back to jittered backoff without a header', () => {
    expect(retryDelay(2, {}, DEFAULT_RETRY, 60_000, () => 0.5)).toBe(1000);
  });
});
