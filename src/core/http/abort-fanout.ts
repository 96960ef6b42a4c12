// Every request in flight must stop when the run's signal aborts. One `abort` listener per request
// on that shared signal puts `--concurrency 16` past EventTarget's limit of 10 (Node prints
// MaxListenersExceededWarning), and the count grows with the concurrency. Instead each signal gets
// one real listener, registered while anyone waits on it, that calls the current waiters.
const waiters = new WeakMap<AbortSignal, Set<() => void>>();

/** Calls `listener` once when `signal` aborts; the returned function stops waiting. */
export function onAbort(signal: AbortSignal, listener: () => void): () => void {
  let set = waiters.get(signal);
  if (!set) {
    const created = new Set<() => void>();
    set = created;
    waiters.set(signal, created);
    signal.addEventListener(
      'abort',
      () => {
        waiters.delete(signal);
        for (const waiter of created) waiter();
      },
      { once: true },
    );
  }
  // The real listener stays until the signal aborts or is collected with it: an empty set costs
  // nothing, and a long run does not re-register it for every request.
  const own = set;
  own.add(listener);
  return () => {
    own.delete(listener);
  };
}

/** Resolves after `ms`; rejects with the signal's reason when it aborts first. */
export function sleepUnlessAborted(ms: number, signal?: AbortSignal): Promise<void> {
  if (!signal) return new Promise((resolve) => setTimeout(resolve, ms));
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const stop = onAbort(signal, () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
    const timer = setTimeout(() => {
      stop();
      resolve();
    }, ms);
  });
}
