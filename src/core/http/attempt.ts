// One HTTP attempt as an undici dispatch handler: phase timeouts, timings, the body size cap, and the
// stream or body read. It resolves with a result (never rejects for HTTP or network trouble) and rejects
// only with the caller's AbortSignal reason.
import { performance } from 'node:perf_hooks';
import type { Dispatcher } from 'undici';
import { onAbort } from './abort-fanout.js';
import { classifyResponse } from './classify.js';
import { claimNextSocket, type ConnectionTimings } from './connection-timing.js';
import { networkFailure, timeoutFailure, type TimeoutPhase } from './network-failure.js';
import { withoutSecrets } from './scrub.js';
import { StreamCollector } from './stream-collector.js';
import { decodeBody } from './utf8.js';
import type { Failure, ProbeResponse, Timeouts, Timings } from './types.js';

export interface AttemptPlan {
  dispatcher: Dispatcher;
  url: URL;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  stream: boolean;
  timeouts: Timeouts;
  /** performance.now() value at which the whole request's budget ends. */
  deadline: number;
  maxBodyBytes: number;
  /** Credential values that must not appear in messages. */
  secrets: readonly string[];
  signal?: AbortSignal;
  /** A proxy is configured for this URL (failures then point at the proxy settings). */
  proxied: boolean;
}

/** What one attempt got: the response the caller sees, before retries decide `ok` and add `attempts`. */
export type AttemptResult = Omit<ProbeResponse, 'ok' | 'attempts'>;

type Phase = 'connect' | 'headers' | 'body';
const MAX_TIMER_MS = 2 ** 31 - 1;

export function runAttempt(plan: AttemptPlan): Promise<AttemptResult> {
  return new Promise((resolve, reject) => new AttemptHandler(plan, resolve, reject).start());
}

class AttemptHandler implements Dispatcher.DispatchHandler {
  private readonly started = performance.now();
  private phase: Phase = 'connect';
  private phaseStart = this.started;
  private lastActivity = this.started;
  private timer: NodeJS.Timeout | undefined;
  private controller: Dispatcher.DispatchController | undefined;
  private settled = false;
  private status: number | undefined;
  private headers: Record<string, string> = {};
  private ttfbMs: number | undefined;
  private connection: ConnectionTimings | undefined;
  private readonly chunks: Buffer[] = [];
  private bytes = 0;
  private stream: StreamCollector | undefined;
  private stopWaiting: (() => void) | undefined;

  constructor(
    private readonly plan: AttemptPlan,
    private readonly resolve: (result: AttemptResult) => void,
    private readonly reject: (reason: unknown) => void,
  ) {}

  start(): void {
    const { plan } = this;
    if (plan.signal?.aborted) return this.reject(plan.signal.reason);
    if (plan.signal) this.stopWaiting = onAbort(plan.signal, this.onAbort);
    this.arm();
    plan.dispatcher.dispatch({ origin: plan.url.origin, path: plan.url.pathname + plan.url.search, method: plan.method, headers: plan.headers, body: plan.body }, this);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    // Settled while still connecting (timeout or abort): drop the request now that it has a socket.
    if (this.settled) return controller.abort(new Error('request abandoned'));
    claimNextSocket((timings) => (this.connection = timings));
    this.enter('headers');
  }

  onResponseStart(_c: Dispatcher.DispatchController, status: number, headers: Record<string, string | string[] | undefined>): void {
    if (this.settled) return;
    this.ttfbMs = performance.now() - this.started;
    this.status = status;
    this.headers = flatten(headers);
    this.enter('body');
    const declared = Number(this.headers['content-length']);
    if (declared > this.plan.maxBodyBytes) return this.fail(this.tooLarge());
    const sse = (this.headers['content-type'] ?? '').toLowerCase().includes('text/event-stream');
    if (this.plan.stream && sse && status >= 200 && status < 300) this.stream = new StreamCollector(this.plan.secrets);
  }

  onResponseData(_c: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.settled) return;
    const now = performance.now();
    this.lastActivity = now;
    this.bytes += chunk.length;
    if (this.bytes > this.plan.maxBodyBytes) return this.fail(this.tooLarge());
    if (!this.stream) {
      this.chunks.push(chunk);
      return;
    }
    const failure = this.stream.feed(chunk, now - this.started);
    if (failure) this.fail(failure);
  }

  onResponseEnd(): void {
    if (this.settled) return;
    if (this.stream) return this.settle({ failure: this.stream.end() });
    const body = decodeBody(Buffer.concat(this.chunks, this.bytes));
    const text = withoutSecrets(body.text, this.plan.secrets);
    const { json, failure } = classifyResponse({ status: this.status ?? 0, headers: this.headers, text, url: this.plan.url.href, secrets: this.plan.secrets });
    const result: Partial<AttemptResult> = { text, json, failure };
    if (body.invalidUtf8) result.invalidUtf8 = true;
    if (!failure && this.plan.stream) {
      result.failure = { kind: 'bad_stream', status: this.status, message: `expected an event stream, got ${this.headers['content-type'] ?? 'no content-type'}` };
    }
    this.settle(result);
  }

  onResponseError(_c: Dispatcher.DispatchController | undefined, error: Error): void {
    if (this.settled) return;
    this.settle({ failure: networkFailure(error, this.plan.url.href, this.plan.timeouts.connectMs, this.plan.proxied) });
  }

  private enter(phase: Phase): void {
    this.phase = phase;
    this.phaseStart = this.lastActivity = performance.now();
    this.arm();
  }

  // One timer per attempt. Body chunks only move lastActivity; when the timer fires early it re-arms for the rest.
  private arm(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(this.onTimer, clampDelay(this.due().at - performance.now()));
  }

  private readonly onTimer = (): void => {
    if (this.settled) return;
    const { at, phase, ms } = this.due();
    const left = at - performance.now();
    if (left > 1) {
      this.timer = setTimeout(this.onTimer, clampDelay(left));
      return;
    }
    this.fail(timeoutFailure(phase, ms));
  };

  private due(): { at: number; phase: TimeoutPhase; ms: number } {
    const t = this.plan.timeouts;
    const [from, ms] = this.phase === 'connect' ? [this.phaseStart, t.connectMs] : this.phase === 'headers' ? [this.phaseStart, t.headersMs] : [this.lastActivity, t.bodyMs];
    const at = from + ms;
    return at < this.plan.deadline ? { at, phase: this.phase, ms } : { at: this.plan.deadline, phase: 'total', ms: t.totalMs };
  }

  private readonly onAbort = (): void => {
    if (this.settled) return;
    this.finish();
    this.reject(this.plan.signal?.reason);
    this.controller?.abort(asError(this.plan.signal?.reason));
  };

  /** Fail and stop reading: aborting the dispatch destroys the socket, so nothing more is buffered. */
  private fail(failure: Failure): void {
    this.settle({ failure });
    this.controller?.abort(new Error(failure.message));
  }

  private settle(result: Partial<AttemptResult>): void {
    if (this.settled) return;
    this.finish();
    const failure = result.failure && this.status !== undefined && result.failure.status === undefined ? { ...result.failure, status: this.status } : result.failure;
    const out: AttemptResult = { status: this.status, headers: this.headers, timings: this.timings() };
    if (result.text !== undefined) out.text = result.text;
    if (result.json !== undefined) out.json = result.json;
    if (this.stream) {
      out.events = this.stream.events;
      out.done = this.stream.done;
      if (this.stream.invalidUtf8) out.invalidUtf8 = true;
    } else if (result.invalidUtf8) out.invalidUtf8 = true;
    if (failure) out.failure = failure;
    this.resolve(out);
  }

  private finish(): void {
    this.settled = true;
    clearTimeout(this.timer);
    this.stopWaiting?.();
  }

  private timings(): Timings {
    const timings: Timings = { totalMs: performance.now() - this.started };
    if (this.connection) Object.assign(timings, this.connection);
    if (this.ttfbMs !== undefined) timings.ttfbMs = this.ttfbMs;
    if (this.stream?.ttftMs !== undefined) timings.ttftMs = this.stream.ttftMs;
    return timings;
  }

  private tooLarge(): Failure {
    return { kind: 'too_large', message: `the response body exceeded ${this.plan.maxBodyBytes} bytes and was cut off` };
  }
}

function flatten(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function clampDelay(ms: number): number {
  return Math.min(MAX_TIMER_MS, Math.max(0, ms));
}

function asError(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error(String(reason));
}
