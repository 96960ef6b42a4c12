import { setTimeout as sleep } from 'node:timers/promises';
import { Redactor } from '../redact.js';

// The stage-change webhook (config `ramp.webhook`): chat rooms, incident tools and dashboards
// learn about every stage change, rollback and completion. Delivery runs beside the ramp and is
// never awaited by it: a slow or dead receiver must not hold traffic at a stage.

export interface NotifierOptions {
  url: string;
  /** Values to redact from every body (API keys and other secrets of the config). */
  secrets: string[];
  /** Per attempt. */
  timeoutMs?: number;
  /** Waits before the 2nd, 3rd, ... attempt: three tries in all by default. */
  backoffMs?: number[];
  /** Told once per event that could not be delivered (the URL's origin only: it may hold a token). */
  onGiveUp?: (message: string) => void;
}

export interface Notifier {
  /** Queue an event; returns at once. */
  send(event: object): void;
  /** Wait for deliveries in flight, at most `maxMs`, so the last events (completion, rollback) go out before exit. */
  flush(maxMs: number): Promise<void>;
}

const DEFAULT_BACKOFF_MS = [250, 1000];

export function webhookNotifier(opts: NotifierOptions): Notifier {
  const redactor = new Redactor(opts.secrets);
  const pending = new Set<Promise<void>>();
  const where = origin(opts.url);
  // Events go out in order: a receiver must not see "completed" before "stage 100".
  let chain: Promise<void> = Promise.resolve();

  function send(event: object): void {
    const body = JSON.stringify(redactor.value(event));
    const delivery = (chain = chain.then(() => deliver(body)));
    pending.add(delivery);
    void delivery.finally(() => pending.delete(delivery));
  }

  async function deliver(body: string): Promise<void> {
    const waits = opts.backoffMs ?? DEFAULT_BACKOFF_MS;
    let why = '';
    for (let attempt = 0; attempt <= waits.length; attempt++) {
      if (attempt > 0) await sleep(waits[attempt - 1]);
      why = await post(opts.url, body, opts.timeoutMs ?? 3000);
      if (why === '') return;
    }
    opts.onGiveUp?.(`webhook ${where}: gave up after ${waits.length + 1} tries (${why})`);
  }

  async function flush(maxMs: number): Promise<void> {
    if (pending.size === 0) return;
    const timer = sleep(maxMs, undefined, { ref: false });
    await Promise.race([Promise.allSettled([...pending]), timer]);
  }

  return { send, flush };
}

/** '' when delivered (any 2xx), else why not. */
async function post(url: string, body: string, timeoutMs: number): Promise<string> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'migrate' },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.arrayBuffer().catch(() => undefined);
    return res.ok ? '' : `HTTP ${res.status}`;
  } catch (err) {
    const e = err as { name?: string; cause?: { code?: string }; message?: string };
    return e.name === 'TimeoutError' ? `no answer within ${timeoutMs}ms` : (e.cause?.code ?? e.message ?? String(err));
  }
}

function origin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(invalid URL)';
  }
}
