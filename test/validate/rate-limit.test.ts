import { describe, expect, it } from 'vitest';
import { runPool } from '../../src/core/validate/pool.js';
import { TokenBucket } from '../../src/core/validate/rate-limit.js';

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
    await runPool(
      Array.from({ length: 40 }, (_, i) => i),
      4,
      async (i) => {
        running++;
        peak = Math.max(peak, running);
        seen.push(i);
        if (i === 20) controller.abort();
        await new Promise((r) => setTimeout(r, 2));
        running--;
      },
      controller.signal,
    );
    expect(peak).toBe(4);
    expect(seen.length).toBeLessThan(26);
  });
});
