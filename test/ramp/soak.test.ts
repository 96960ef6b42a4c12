// The ramp's soak loop (src/core/ramp/soak.ts) around a question left open at a terminal.
import { describe, expect, it } from 'vitest';
import type { GateSource } from '../../src/core/gates/types.js';
import { RampMetrics } from '../../src/core/metrics/ramp-metrics.js';
import type { Interrupts } from '../../src/core/ramp/interrupts.js';
import type { Prompter } from '../../src/core/prompter.js';
import { soakStage, type SoakDeps } from '../../src/core/ramp/soak.js';
import type { RollbackRequest } from '../../src/core/state/ramp.js';

/** Interrupts as they are after a first Ctrl-C at a terminal: the ramp asks what to do. */
function askedOnce(): Interrupts {
  const controller = new AbortController();
  let state: Interrupts['state'] = 'ask';
  return {
    get state() {
      return state;
    },
    cause: 'Ctrl-C',
    stopSignal: controller.signal,
    next: () => new Promise<void>(() => undefined),
    resume: () => {
      state = 'none';
    },
    stop: () => {
      state = 'stop';
      controller.abort();
    },
    dispose: () => undefined,
  };
}

/** A person who never answers: the prompt ends only when its signal aborts (as inquirer's does). */
const absentPerson: Pick<Prompter, 'select'> = {
  select: <T>(_message: string, _choices: unknown, signal?: AbortSignal) =>
    new Promise<T>((_resolve, reject) => signal?.addEventListener('abort', () => reject(new Error('aborted')))),
};

const healthy: GateSource = { name: 'probes', read: async () => ({ source: 'probes', kind: 'measurement', target: { requests: 100, errors: 0, p95Ms: 100, authFailures: 0 } }) };

describe('ramp soak with an open question', () => {
  it('a `migrate rollback` request ends an unanswered Ctrl-C question: the ramp stops for it', async () => {
    const request: RollbackRequest = { at: '2026-01-01T00:00:00.000Z', by: 'bob (migrate rollback)' };
    let polls = 0;
    const deps: SoakDeps = {
      environment: 'canary',
      policy: { soakMs: 60_000, intervalMs: 10_000, maxExtensions: 1, maxSourceErrors: 3, errorRetryMs: 2000, interactive: true },
      sources: [healthy],
      limits: { maxErrorRate: 0.01, maxP95Ms: 3000, maxP95Ratio: 1.2, p95RatioFloorMs: 50, minSamples: 20 },
      interrupts: askedOnce(),
      prompter: absentPerson,
      // The first poll is before the question; the request arrives while it is open.
      rollbackRequested: async () => (++polls >= 3 ? request : undefined),
      onDecision: async () => undefined,
      // What `ramp --metrics-port` shows: paused while the question waits on a person.
      onQuestion: async (open, message) => {
        metrics.observe({ time: new Date().toISOString(), environment: 'canary', event: 'question', status: open ? 'open' : 'answered', message });
        pausedWhileOpen.push(/migrate_ramp_paused\{environment="canary"\} (\d)/.exec(metrics.render())![1]!);
      },
    };
    const metrics = new RampMetrics('canary');
    const pausedWhileOpen: string[] = [];
    const started = Date.now();
    const end = await soakStage(deps, 1, 4, 20);
    expect(end).toEqual({ kind: 'stopped', request });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(pausedWhileOpen).toEqual(['1', '0']);
  });
});

describe('ramp soak gates keep deciding while a question is open', () => {
  it('a target that fails while nobody answers is rolled back, and the decision is recorded', async () => {
    let reads = 0;
    const failingLater: GateSource = {
      name: 'probes',
      read: async () => ({ source: 'probes', kind: 'measurement', target: { requests: 100, errors: ++reads > 1 ? 40 : 0, p95Ms: 100, authFailures: 0 } }),
    };
    const decisions: string[] = [];
    const deps: SoakDeps = {
      environment: 'canary',
      policy: { soakMs: 60_000, intervalMs: 300, maxExtensions: 1, maxSourceErrors: 3, errorRetryMs: 2000, interactive: true },
      sources: [failingLater],
      limits: { maxErrorRate: 0.01, maxP95Ms: 3000, maxP95Ratio: 1.2, p95RatioFloorMs: 50, minSamples: 20 },
      interrupts: askedOnce(),
      prompter: absentPerson,
      rollbackRequested: async () => undefined,
      onDecision: async (d) => void decisions.push(d.line),
    };
    const end = await soakStage(deps, 1, 4, 20);
    expect(end).toMatchObject({ kind: 'rollback', reason: expect.stringContaining('error rate 40.0% > 1.0%') });
    expect(decisions).toEqual([expect.stringContaining('→ rolling back')]);
  });
});
