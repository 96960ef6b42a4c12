import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_RETRY, DEFAULT_TIMEOUTS } from '../http/defaults.js';
import { timeoutFailure } from '../http/network-failure.js';
import { retryDelay, shouldRetry } from '../http/retry.js';
import type { Attempt, ProbeResponse, RequestSpec, RetryPolicy } from '../http/types.js';
import type { TokenBucket } from './rate-limit.js';

export interface Requester {
  request(spec: RequestSpec): Promise<ProbeResponse>;
}

export interface SendOptions {
  /** The probing client's policy (retryable statuses, backoff, Retry-After), applied here. */
  retry?: RetryPolicy;
  /** Source of backoff jitter in [0, 1); tests pass a fixed one. */
  random?: () => number;
}

/**
 * One request under the provider's rate limit, retried with the probing client's policy. The
 * retries happen here, one attempt per client call, so every attempt takes a token: retried
 * inside the client, a run under 429s would send up to three requests per token.
 */
export async function sendLimited(client: Requester, bucket: Pick<TokenBucket, 'take'>, spec: RequestSpec, signal: AbortSignal, opts: SendOptions = {}): Promise<ProbeResponse> {
  const policy = { ...(opts.retry ?? DEFAULT_RETRY), ...spec.retry };
  const totalMs = spec.timeouts?.totalMs ?? DEFAULT_TIMEOUTS.totalMs;
  const attempts: Attempt[] = [];
  let deadline: number | undefined;
  let previous: ProbeResponse | undefined;
  for (let n = 0; ; n++) {
    await bucket.take(signal);
    deadline ??= performance.now() + totalMs;
    const left = deadline - performance.now();
    // The wait for a token used up what the retry had left.
    if (previous && left <= 0) return { ...previous, attempts, failure: timeoutFailure('total', totalMs) };
    const response = await client.request({ ...spec, retry: { retries: 0 }, timeouts: { ...spec.timeouts, totalMs: left } });
    attempts.push(...response.attempts);
    // The attempt ran on what was left of the budget: name the whole budget, as the client would.
    if (response.failure?.code === 'total_timeout') return { ...response, attempts, failure: timeoutFailure('total', totalMs) };
    if (n >= policy.retries || !shouldRetry(response)) return { ...response, attempts };
    const wait = retryDelay(n, response.headers, policy, deadline - performance.now(), opts.random);
    if (wait === undefined) return { ...response, attempts };
    attempts[attempts.length - 1] = { ...attempts[attempts.length - 1]!, retryAfterMs: wait };
    previous = response;
    await sleep(wait, undefined, { signal });
  }
}
