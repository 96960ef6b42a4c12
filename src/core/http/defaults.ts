import type { RetryPolicy, Timeouts } from './types.js';

// LLM completions can take tens of seconds before the first byte, so headers get more room than connect.
export const DEFAULT_TIMEOUTS: Timeouts = {
  connectMs: 10_000,
  headersMs: 60_000,
  bodyMs: 30_000,
  totalMs: 120_000,
};

export const DEFAULT_RETRY: RetryPolicy = {
  retries: 2,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 10_000,
};

/** Larger than any sane completion; a relay that streams a page forever is cut off here. */
export const DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024;

export const DEFAULT_USER_AGENT = 'migrate-probe';
