import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { onAbort, sleepUnlessAborted } from '../../src/core/http/abort-fanout.js';

describe('abort fan-out: one listener on a shared signal, whatever the number of waiters', () => {
  it('50 waiters add one abort listener; abort calls those still waiting, once each', () => {
    const controller = new AbortController();
    const called: number[] = [];
    const stops = Array.from({ length: 50 }, (_, i) => onAbort(controller.signal, () => called.push(i)));
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    stops[3]!();
    controller.abort();
    controller.abort();
    expect(called).toHaveLength(49);
    expect(called).not.toContain(3);
  });

  it('sleepUnlessAborted rejects with the signal reason at once, and resolves after the delay otherwise', async () => {
    const controller = new AbortController();
    const started = performance.now();
    const sleeping = sleepUnlessAborted(10_000, controller.signal);
    controller.abort(new Error('stop'));
    await expect(sleeping).rejects.toThrow('stop');
    expect(performance.now() - started).toBeLessThan(1_000);
    await expect(sleepUnlessAborted(5, controller.signal)).rejects.toThrow('stop');
    await expect(sleepUnlessAborted(5, new AbortController().signal)).resolves.toBeUndefined();
  });
});
