// The probing client's contract, used by check, validate and ramp probes.

export interface Timeouts {
  /** TCP (and TLS) connect. */
  connectMs: number;
  /** Until response headers arrive. */
  headersMs: number;
  /** Between body chunks (idle). */
  bodyMs: number;
  /** Whole request including retries' waits. */
  totalMs: number;
}

export interface RetryPolicy {
  /** Retries after the first attempt (default 2). */
  retries: number;
  /** First backoff ceiling; doubles each attempt up to maxDelayMs (full jitter). */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Cap on Retry-After / retry-after-ms waits. */
  maxRetryAfterMs: number;
}

export interface Timings {
  dnsMs?: number;
  connectMs?: number;
  tlsMs?: number;
  /** Request start to first response byte (headers). */
  ttfbMs?: number;
  /** Streams: request start to the first chunk carrying content or a tool call delta. */
  ttftMs?: number;
  totalMs: number;
}

export type FailureKind =
  | 'network' // DNS, refused, reset
  | 'timeout'
  | 'auth' // 401/403
  | 'rate_limit' // 429
  | 'server' // 5xx
  | 'client' // other 4xx
  | 'html' // an HTML page: wrong base URL
  | 'error_body' // 200 whose body is {"error": ...}
  | 'too_large' // body over the size cap
  | 'bad_json'
  | 'stream_incomplete' // ended without [DONE]
  | 'bad_stream'; // malformed SSE framing or chunk JSON

export interface Failure {
  kind: FailureKind;
  /** One line, safe to print (never contains a key). */
  message: string;
  status?: number;
  /** OpenAI error code/type when the body carried one, e.g. "unsupported_parameter". */
  code?: string;
  /** Next step for the user, e.g. check the key and the base URL's trailing /v1. */
  hint?: string;
}

export interface SseEvent {
  /** Raw data field (joined lines). */
  data: string;
  event?: string;
  /** ms since request start when this event was parsed. */
  atMs: number;
}

export interface RequestSpec {
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  /** Serialised as JSON. */
  body?: unknown;
  /** Parse the response as server-sent events. */
  stream?: boolean;
  timeouts?: Partial<Timeouts>;
  retry?: Partial<RetryPolicy>;
  signal?: AbortSignal;
  /** Max response body bytes kept (default 8 MiB). */
  maxBodyBytes?: number;
  /**
   * Awaited before every attempt, retries included: validate takes a rate-limit token here, so
   * retries count against the limit too. The total timeout starts after the first one.
   */
  beforeAttempt?: () => Promise<void>;
}

export interface Attempt {
  status?: number;
  failure?: Failure;
  timings: Timings;
  /** Wait before the next attempt, when there was one. */
  retryAfterMs?: number;
}

export interface ProbeResponse {
  ok: boolean;
  status?: number;
  headers: Record<string, string>;
  /** Parsed JSON body (non-stream), when it parsed. */
  json?: unknown;
  /** Raw body text (non-stream), capped. */
  text?: string;
  /** Streams: every event in order, including the final [DONE]. */
  events?: SseEvent[];
  /** Streams: saw data: [DONE]. */
  done?: boolean;
  failure?: Failure;
  /** The body held bytes that are not UTF-8 (they read as U+FFFD): JSON and SSE must be UTF-8. */
  invalidUtf8?: boolean;
  /** Timings of the final attempt. */
  timings: Timings;
  attempts: Attempt[];
}
