// The ramp's signal handling, driven by emitting the signals to this process's own listeners.
import { afterEach, describe, expect, it } from 'vitest';
import { trapInterrupts, type Interrupts } from '../../src/core/ramp/interrupts.js';

let trap: Interrupts | undefined;
afterEach(() => trap?.dispose());

describe('trapInterrupts', () => {
  it('a signal that came before the trap was set stops the ramp at once (it is not lost)', () => {
    const early = new AbortController();
    early.abort(new Error('interrupted by SIGTERM'));
    trap = trapInterrupts({ interactive: false, signal: early.signal });
    expect(trap.state).toBe('stop');
    expect(trap.stopSignal.aborted).toBe(true);
  });

  it('without a terminal, SIGINT stops; at a terminal the first one asks and the second stops', () => {
    trap = trapInterrupts({ interactive: false, signal: new AbortController().signal });
    expect(trap.state).toBe('none');
    process.emit('SIGINT');
    expect(trap.state).toBe('stop');
    trap.dispose();

    trap = trapInterrupts({ interactive: true });
    process.emit('SIGINT');
    expect(trap.state).toBe('ask');
    process.emit('SIGINT');
    expect(trap.state).toBe('stop');
    expect(trap.cause).toBe('a second Ctrl-C');
  });

  it('SIGTERM stops even at a terminal, and holds main.ts off until disposed', () => {
    let held = 0;
    trap = trapInterrupts({ interactive: true, holdSignals: () => (held++, () => held--) });
    expect(held).toBe(1);
    process.emit('SIGTERM');
    expect(trap.state).toBe('stop');
    expect(trap.cause).toBe('SIGTERM');
    trap.dispose();
    trap = undefined;
    expect(held).toBe(0);
  });
});
