// Polling for tests: wait until something another process does becomes visible.

export interface WaitOptions {
  timeoutMs?: number;
  everyMs?: number;
  /** Gives up at once with this message when it returns one (e.g. the server process exited). */
  dead?: () => string | undefined;
}

/** Polls `ok` until it holds; a throw from `ok` counts as "not yet". Throws naming `what` on timeout. */
export async function waitUntil(what: string, ok: () => boolean | Promise<boolean>, opts: WaitOptions = {}): Promise<void> {
  const { timeoutMs = 20_000, everyMs = 100, dead } = opts;
  const until = Date.now() + timeoutMs;
  while (
    !(await Promise.resolve()
      .then(ok)
      .catch(() => false))
  ) {
    const why = dead?.();
    if (why) throw new Error(why);
    if (Date.now() > until) throw new Error(`timed out waiting for ${what} (${timeoutMs}ms)`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
