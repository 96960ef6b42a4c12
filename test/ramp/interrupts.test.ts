// The ramp's signal handling, driven through the same signal hub main.ts feeds from the process.
import { afterEach, describe, expect, it } from 'vitest';
import { trapInterrupts, type Interrupts } from '../../src/core/ramp/interrupts.js';
import { signalHub } from '../../src/core/signals.js';

let trap: Interrupts | undefined;
afterEach(() => trap?.dispose());

/** main.ts's hub with a counted exit in place of process.exit(130). */
function hub() {
  const controller = new AbortController();
  const exits: number[] = [];
  const h = signalHub(controller, () => exits.push(130));
  return { ...h, signal: controller.signal, exits };
}

describe('trapInterrupts', () => {
  it('a signal that came before the trap was set stops the ramp at once (it is not lost)', () => {
    const h = hub();
    h.deliver('SIGTERM');
    trap = trapInterrupts({ interactive: false, signals: h.hooks, signal: h.signal });
    expect(trap.state).toBe('stop');
    expect(trap.stopSignal.aborted).toBe(true);
  });

  it('without a terminal, SIGINT stops; at a terminal the first one asks and the second stops', () => {
    let h = hub();
    trap = trapInterrupts({ interactive: false, signals: h.hooks, signal: h.signal });
    expect(trap.state).toBe('none');
    h.deliver('SIGINT');
    expect(trap.state).toBe('stop');
    trap.dispose();

    h = hub();
    trap = trapInterrupts({ interactive: true, signals: h.hooks, signal: h.signal });
    h.deliver('SIGINT');
    expect(trap.state).toBe('ask');
    expect(h.signal.aborted).toBe(true); // the command's signal is aborted as before
    h.deliver('SIGINT');
    expect(trap.state).toBe('stop');
    expect(trap.cause).toBe('a second Ctrl-C');
    expect(h.exits).toEqual([]); // held: the ramp writes its state first
  });

  it('SIGTERM stops even at a terminal; during the stop, the second insisting signal exits 130 at once', () => {
    const h = hub();
    trap = trapInterrupts({ interactive: true, signals: h.hooks, signal: h.signal });
    h.deliver('SIGTERM');
    expect(trap.state).toBe('stop');
    expect(trap.cause).toBe('SIGTERM');
    h.deliver('SIGINT');
    expect(h.exits).toEqual([]);
    h.deliver('SIGINT');
    expect(h.exits).toEqual([130]);
  });

  it('released when disposed: a second signal after the ramp exits at once, as for any command', () => {
    const h = hub();
    trap = trapInterrupts({ interactive: false, signals: h.hooks, signal: h.signal });
    trap.dispose();
    trap = undefined;
    h.deliver('SIGINT');
    expect(h.exits).toEqual([]); // the first only aborts the command's signal
    h.deliver('SIGINT');
    expect(h.exits).toEqual([130]);
  });
});
