// The probing client: one keep-alive dispatcher, attempts with retries inside a total budget.
import { performance } from 'node:perf_hooks';
import type { Dispatcher } from 'undici';
import { sleepUnlessAborted } from './abort-fanout.js';
import { runAttempt, type AttemptResult } from './attempt.js';
import { DEFAULT_MAX_BODY_BYTES, DEFAULT_RETRY, DEFAULT_TIMEOUTS, DEFAULT_USER_AGENT } from './defaults.js';
import { createDispatcher, proxySettings, usesProxy, type ProxySettings } from './dispatcher.js';
import { timeoutFailure } from './network-failure.js';
import { retryDelay, shouldRetry } from './retry.js';
import { secretsOf } from './scrub.js';
import type { Attempt, ProbeResponse, RequestSpec, RetryPolicy, Timeouts } from './types.js';

export interface ProbeClientOptions {
  timeouts?: Partial<Timeouts>;
  retry?: Partial<RetryPolicy>;
  userAgent?: string;
  /** Where HTTP(S)_PROXY and NO_PROXY are read from: the Context's env (tests pass their own). */
  processEnv: NodeJS.ProcessEnv;
  /** Extra trusted CA certificates (PEM), e.g. a company relay's private CA. */
  ca?: string;
  /** Source of backoff jitter in [0, 1); tests pass a fixed one. */
  random?: () => number;
}

export class ProbeClient {
  private readonly timeouts: Timeouts;
  private readonly retry: RetryPolicy;
  private readonly userAgent: string;
  private readonly random: () => number;
  private readonly dispatcher: Dispatcher;
  private readonly proxy: ProxySettings;

  constructor(opts: ProbeClientOptions) {
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...definedOnly(opts.timeouts) };
    this.retry = { ...DEFAULT_RETRY, ...definedOnly(opts.retry) };
    this.userAgent = opts.userAgent ?? DEFAULT_USER_AGENT;
    this.random = opts.random ?? Math.random;
    this.proxy = proxySettings(opts.processEnv);
    this.dispatcher = createDispatcher(this.proxy, this.timeouts.connectMs, opts.ca);
  }

  /**
   * Sends the request, retrying what is worth retrying. HTTP and network failures come back as
   * `ok: false` with a `failure`; it rejects only for an aborted `signal` (with its reason) or a bad spec.
   */
  async request(spec: RequestSpec): Promise<ProbeResponse> {
    const url = new URL(spec.url); // a malformed URL is a programmer error: let it throw
    const timeouts = { ...this.timeouts, ...definedOnly(spec.timeouts) };
    const retry = { ...this.retry, ...definedOnly(spec.retry) };
    await spec.beforeAttempt?.(); // the first wait for a rate-limit token is not the request's time
    const deadline = performance.now() + timeouts.totalMs;
    const plan = {
      dispatcher: this.dispatcher,
      url,
      method: spec.method,
      headers: this.headersFor(spec),
      body: spec.body === undefined ? undefined : JSON.stringify(spec.body),
      stream: spec.stream === true,
      timeouts,
      deadline,
      maxBodyBytes: spec.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
      secrets: secretsOf(spec.headers),
      signal: spec.signal,
      proxied: usesProxy(this.proxy, url),
    };
    const attempts: Attempt[] = [];
    for (let n = 0; ; n++) {
      const result = await runAttempt(plan);
      // undici hands a kept-alive socket back to the pool one event-loop turn after the response ends;
      // without this pause a caller's next request would open a new connection instead of reusing it.
      await new Promise(setImmediate);
      const attempt: Attempt = { status: result.status, failure: result.failure, timings: result.timings };
      attempts.push(attempt);
      if (!result.failure || n >= retry.retries || !shouldRetry(result)) return toResponse(result, attempts);
      const wait = retryDelay(n, result.headers, retry, deadline - performance.now(), this.random);
      if (wait === undefined) return toResponse(result, attempts);
      attempt.retryAfterMs = wait;
      await sleepUnlessAborted(wait, spec.signal);
      await spec.beforeAttempt?.();
      if (performance.now() >= deadline) return toResponse({ ...result, failure: timeoutFailure('total', timeouts.totalMs) }, attempts);
    }
  }

  /** Closes the pool; requests still in flight fail. */
  async close(): Promise<void> {
    await this.dispatcher.destroy();
  }

  private headersFor(spec: RequestSpec): Record<string, string> {
    const headers: Record<string, string> = {
      'user-agent': this.userAgent,
      accept: spec.stream ? 'text/event-stream' : 'application/json',
    };
    if (spec.body !== undefined) headers['content-type'] = 'application/json';
    for (const [name, value] of Object.entries(spec.headers ?? {})) headers[name.toLowerCase()] = value;
    return headers;
  }
}

function toResponse(result: AttemptResult, attempts: Attempt[]): ProbeResponse {
  const response: ProbeResponse = { ok: !result.failure, headers: result.headers, timings: result.timings, attempts };
  if (result.status !== undefined) response.status = result.status;
  if (result.json !== undefined) response.json = result.json;
  if (result.text !== undefined) response.text = result.text;
  if (result.events) response.events = result.events;
  if (result.done !== undefined) response.done = result.done;
  if (result.invalidUtf8) response.invalidUtf8 = true;
  if (result.failure) response.failure = result.failure;
  return response;
}

// `{ connectMs: undefined }` from a caller must not erase a default. (A loop, not entries/filter:
// this runs three times for every request.)
function definedOnly<T extends object>(value: Partial<T> | undefined): Partial<T> {
  const out: Partial<T> = {};
  for (const key in value) if (value[key] !== undefined) out[key] = value[key];
  return out;
}
