import { describe, expect, it } from 'vitest';
import { runPool } from '../../src/core/validate/pool.js';
import type { ProbeResponse, RequestSpec } from '../../src/core/http/types.js';
import { TokenBucket } from '../../src/core/validate/rate-limit.js';
import { sendLimited } from '../../src/core/validate/send.js';

describe('token bucket', () => {
  it('allows one second of burst, then spaces requests at the rate', async () => {
    const bucket = new TokenBucket(1200); // 20 per second, burst 20
    const started = performance.now();
    const times: number[] = [];
    for (let i = 0; i < 30; i++) {
      await bucket.take();
      times.push(performance.now() - started);
    }
    expect(times[19]!).toBeLessThan(50);
    expect(times[29]!).toBeGreaterThanOrEqual(450);
    expect(times[29]!).toBeLessThan(900);
  });

  it('a waiting take rejects promptly when aborted', async () => {
    const bucket = new TokenBucket(1); // one a minute
    await bucket.take();
    const controller = new AbortController();
    const waiting = bucket.take(controller.signal);
    setTimeout(() => controller.abort(new Error('stop')), 20);
    const started = performance.now();
    await expect(waiting).rejects.toThrow();
    expect(performance.now() - started).toBeLessThan(500);
  });
});

describe('pool', () => {
  it('never runs more than the concurrency at once, and stops starting work when aborted', async () => {
    let running = 0;
    let peak = 0;
    const seen: number[] = [];
    const controller = new AbortController();
    await runPool(Array.from({ length: 40 }, (_, i) => i), 4, async (i) => {
      running++;
      peak = Math.max(peak, running);
      seen.push(i);
      if (i === 20) controller.abort();
      await new Promise((r) => setTimeout(r, 2));
      running--;
    }, controller.signal);
    expect(peak).toBe(4);
    expect(seen.length).toBeLessThan(26);
  });
});

describe('sendLimited: retries under the rate limit', () => {
  const answer = (status: number, headers: Record<string, string> = {}): ProbeResponse => ({
    ok: status === 200,
    status,
    headers,
    timings: { totalMs: 1 },
    attempts: [{ status, timings: { totalMs: 1 } }],
    ...(status === 200 ? {} : { failure: { kind: status === 429 ? 'rate_limit' : 'server', status, message: `HTTP ${status}` } }),
  });
  const spec: RequestSpec = { method: 'POST', url: 'http://127.0.0.1:1/v1/chat/completions' };

  function stub(statuses: number[]) {
    const log: string[] = [];
    const client = { request: async (s: RequestSpec) => (log.push(`request retries=${s.retry?.retries}`), answer(statuses.shift()!, { 'retry-after-ms': '0' })) };
    const bucket = { take: async () => void log.push('token') };
    return { log, client, bucket };
  }

  it('takes a token before every attempt and keeps the policy: retries, Retry-After, all attempts reported', async () => {
    const { log, client, bucket } = stub([429, 503, 200]);
    const res = await sendLimited(client, bucket, spec, new AbortController().signal);
    expect(log).toEqual(['token', 'request retries=0', 'token', 'request retries=0', 'token', 'request retries=0']);
    expect(res.status).toBe(200);
    expect(res.attempts.map((a) => [a.status, a.retryAfterMs])).toEqual([[429, 0], [503, 0], [200, undefined]]);
  });

  it('stops at the retry limit, and never retries a 400 or a probe asking for none', async () => {
    const limited = stub([429, 429, 429, 200]);
    expect((await sendLimited(limited.client, limited.bucket, spec, new AbortController().signal)).attempts).toHaveLength(3);
    const bad = stub([400, 200]);
    expect((await sendLimited(bad.client, bad.bucket, spec, new AbortController().signal)).status).toBe(400);
    const probe = stub([503, 200]);
    expect((await sendLimited(probe.client, probe.bucket, { ...spec, retry: { retries: 0 } }, new AbortController().signal)).status).toBe(503);
  });
});
