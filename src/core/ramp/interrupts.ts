// Ctrl-C and SIGTERM during the stages. The first Ctrl-C at a terminal asks what to do (pause,
// roll back, continue); a second Ctrl-C, a SIGTERM, or any signal without a terminal stops the
// ramp safely: the step in progress finishes, the state is written as paused, the lock is
// released, exit 130 (and a person who keeps pressing Ctrl-C during that stop gets the exit at
// once, from main.ts). Nothing in flight is cut in half, so nothing is left half-applied.
import type { SignalHooks } from '../signals.js';

export type InterruptState = 'none' | 'ask' | 'stop';

export interface Interrupts {
  readonly state: InterruptState;
  /** Aborted when the ramp must stop: cancels gate reads and waits. */
  readonly stopSignal: AbortSignal;
  /** Which signal asked to stop, for the state's reason. */
  readonly cause: string;
  /** Resolves at the next signal (to cut a wait short). */
  next(): Promise<void>;
  /** The question was answered "continue": back to normal. */
  resume(): void;
  /** Treat as a stop (Ctrl-C inside the prompt). */
  stop(cause: string): void;
  dispose(): void;
}

export interface TrapOptions {
  /** A person is at a terminal: the first Ctrl-C asks instead of stopping. */
  interactive: boolean;
  /**
   * The Context's signal hooks: held while the ramp runs so that the second signal reaches the
   * ramp (which writes its state first) instead of main.ts's immediate exit.
   */
  signals: SignalHooks;
  /** The Context's signal: one that came before the trap was set (while the ramp started) must not be lost. */
  signal?: AbortSignal;
}

export function trapInterrupts(opts: TrapOptions): Interrupts {
  const controller = new AbortController();
  let state: InterruptState = 'none';
  let cause = '';
  let waiters: Array<() => void> = [];

  const wake = () => {
    const w = waiters;
    waiters = [];
    for (const resolve of w) resolve();
  };
  const stop = (why: string) => {
    if (state === 'stop') return;
    state = 'stop';
    cause = why;
    controller.abort(new Error(why));
    wake();
  };
  // Signals after the stop began: the stop is already under way (it writes the state); only a
  // person who keeps insisting gets the immediate exit.
  let insisted = 0;
  const insist = () => {
    if (++insisted >= 2) opts.signals.exitNow();
  };
  const onInt = () => {
    if (state === 'stop') return insist();
    if (opts.interactive && state === 'none') {
      state = 'ask';
      cause = 'Ctrl-C';
      wake();
    } else stop(state === 'ask' ? 'a second Ctrl-C' : 'SIGINT');
  };
  const onTerm = () => {
    if (state === 'stop') return insist();
    stop('SIGTERM');
  };
  const release = opts.signals.hold((name) => (name === 'SIGINT' ? onInt() : onTerm()));
  if (opts.signal?.aborted) stop('a signal while the ramp was starting');

  return {
    get state() {
      return state;
    },
    get cause() {
      return cause;
    },
    stopSignal: controller.signal,
    next: () => new Promise<void>((resolve) => waiters.push(resolve)),
    resume() {
      if (state === 'ask') state = 'none';
    },
    stop,
    dispose() {
      release();
      wake();
    },
  };
}
