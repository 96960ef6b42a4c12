// The seam between signal handling and the code that reacts to it. Only main.ts listens to the
// process and exits it; commands and core get these hooks on the Context, and tests send signals
// through the same hub without touching the process.
import { ExitCode, MigrateError } from '../errors.js';

export type SignalName = 'SIGINT' | 'SIGTERM';

export interface SignalHooks {
  /**
   * Hands every later SIGINT and SIGTERM to `listener`, and turns off "a second signal exits at
   * once" while held: a command that stops safely by itself (the ramp writes its state as paused
   * first) must get the second signal rather than die on it. Returns the release.
   */
  hold(listener: (name: SignalName) => void): () => void;
  /** The person insists (Ctrl-C again during a safe stop): exit 130 now, at main.ts's one exit. */
  exitNow(): void;
}

export interface SignalHub {
  hooks: SignalHooks;
  /** What main.ts calls for each SIGINT or SIGTERM the process gets (tests call it directly). */
  deliver(name: SignalName): void;
}

/**
 * The first signal aborts `controller` (the command cleans up and exits 130); a second one calls
 * `exit` at once, unless a command holds the signals, which then get every one themselves.
 */
export function signalHub(controller: AbortController, exit: () => void): SignalHub {
  const holders = new Set<(name: SignalName) => void>();
  return {
    hooks: {
      hold(listener) {
        holders.add(listener);
        return () => void holders.delete(listener);
      },
      exitNow: exit,
    },
    deliver(name) {
      if (!controller.signal.aborted) controller.abort(new MigrateError(`interrupted by ${name}`, { exitCode: ExitCode.interrupted }));
      else if (holders.size === 0) exit();
      for (const listener of [...holders]) listener(name);
    },
  };
}
