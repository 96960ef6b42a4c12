import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Requests-per-minute limit for one provider, as a token bucket holding at most one second's
 * worth of requests: a validation run stays under the provider's limit instead of tripping 429.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private readonly perMs: number;
  readonly capacity: number;
  /** Waiters are served in order so no request starves. */
  private queue: Promise<void> = Promise.resolve();

  constructor(
    rpm: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.perMs = rpm / 60_000;
    this.capacity = Math.max(1, Math.floor(rpm / 60));
    this.tokens = this.capacity;
    this.last = now();
  }

  /** Resolves when a request may be sent; rejects with the signal's reason when aborted. */
  take(signal?: AbortSignal): Promise<void> {
    const turn = this.queue.then(() => this.wait(signal));
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private async wait(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    this.refill();
    if (this.tokens < 1) {
      await sleep(Math.ceil((1 - this.tokens) / this.perMs), undefined, signal ? { signal } : undefined);
      this.refill();
    }
    this.tokens -= 1;
  }

  private refill(): void {
    const now = this.now();
    this.tokens = Math.min(this.capacity, this.tokens + (now - this.last) * this.perMs);
    this.last = now;
  }
}
