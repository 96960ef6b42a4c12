// The soak loop with a virtual clock and scripted sources: the time from a fault to the
// rollback decision, retries on source errors, and a rollback requested by another process.
import { describe, expect, it } from 'vitest';
import type { Decision } from '../../src/core/gates/controller.js';
import { soakStage, type SoakDeps } from '../../src/core/gates/soak.js';
import type { GateSource, Reading, WindowSpec } from '../../src/core/gates/types.js';

const limits = { maxErrorRate: 0.01, maxP95Ms: 3000, maxP95Ratio: 1.2, minSamples: 20 };
const policy = { soakMs: 60_000, intervalMs: 5_000, maxExtensions: 1, maxSourceErrors: 3, interactive: false };

/** A source whose reading depends on the virtual time (ms since the soak started). */
function scripted(name: string, at: (t: number, w: WindowSpec) => Reading): GateSource & { windows: WindowSpec[] } {
  const windows: WindowSpec[] = [];
  return { name, windows, read: async (w) => (windows.push(w), at(w.to, w)) };
}
const healthy = (requests: number): Reading => ({ source: 'probes', kind: 'measurement', target: { requests, errors: 0, p95Ms: 500, authFailures: 0 } });

function harness(sources: GateSource[], extra: Partial<SoakDeps> = {}) {
  let clock = 0;
  const decisions: Decision[] = [];
  const deps: SoakDeps = {
    environment: 'canary',
    sources,
    limits,
    policy,
    onDecision: (d) => void decisions.push(d),
    now: () => clock,
    sleep: async (ms) => void (clock += ms),
    ...extra,
  };
  return { deps, decisions, time: () => clock };
}

describe('soakStage', () => {
  it('advances after the window when every interval passes, measuring from the stage start', async () => {
    const probes = scripted('probes', (t) => healthy(Math.floor(t / 250)));
    const { deps, decisions } = harness([probes]);
    const end = await soakStage(1, 20, deps);
    expect(end).toMatchObject({ action: 'advance', decision: { at: 60_000 } });
    expect(decisions).toHaveLength(12);
    expect(probes.windows[0]).toMatchObject({ env: 'canary', stageIndex: 1, weight: 20, from: 0, to: 5_000 });
  });

  it('rolls back at the first interval after a fault', async () => {
    const faultAt = 21_000;
    const probes = scripted('probes', (t): Reading => ({
      source: 'probes', kind: 'measurement',
      target: { requests: Math.floor(t / 250), errors: Math.max(0, Math.floor((t - faultAt) / 250)), p95Ms: 400, authFailures: 0 },
    }));
    const { deps } = harness([probes]);
    const end = await soakStage(1, 20, deps);
    expect(end).toMatchObject({ action: 'rollback', decision: { at: 25_000, line: 'stage 20%: error rate 16.0% > 1.0% over 100 requests → rolling back' } });
    expect((end as { decision: Decision }).decision.at - faultAt).toBeLessThanOrEqual(policy.intervalMs);
  });

  it('a Prometheus outage is retried, not passed: three errors in a row roll back', async () => {
    const prom = scripted('prometheus', () => ({ source: 'prometheus', kind: 'error', message: 'prometheus at http://p:9090 unreachable: ECONNREFUSED' }));
    const probes = scripted('probes', (t) => healthy(Math.floor(t / 250)));
    const { deps, decisions } = harness([probes, prom]);
    const end = await soakStage(0, 5, deps);
    expect(decisions.map((d) => d.action)).toEqual(['continue', 'continue', 'rollback']);
    expect(end).toMatchObject({ action: 'rollback', decision: { line: 'stage 5%: prometheus: prometheus at http://p:9090 unreachable: ECONNREFUSED → rolling back: gates unreadable 3 times in a row' } });
  });

  it('a short hiccup does not roll back a healthy stage', async () => {
    const prom = scripted('prometheus', (t): Reading =>
      t === 10_000 || t === 15_000 ? { source: 'prometheus', kind: 'error', message: 'timeout' } : { source: 'prometheus', kind: 'measurement', target: { errorRate: 0, p95Ms: 300 } },
    );
    const { deps } = harness([prom]);
    expect((await soakStage(0, 5, deps)).action).toBe('advance');
  });

  it('stops for a rollback another process requested, before measuring again', async () => {
    const probes = scripted('probes', (t) => healthy(Math.floor(t / 250)));
    let asks = 0;
    const { deps, time } = harness([probes], { stopRequested: async () => (++asks === 3 ? 'alice ran migrate rollback' : undefined) });
    expect(await soakStage(0, 5, deps)).toEqual({ action: 'rollback', requested: 'alice ran migrate rollback' });
    expect(time()).toBe(15_000);
    expect(probes.windows).toHaveLength(2);
  });

  it('Ctrl-C during the wait rejects with the signal\'s reason', async () => {
    const controller = new AbortController();
    const probes = scripted('probes', (t) => healthy(Math.floor(t / 250)));
    const soak = soakStage(0, 5, { environment: 'canary', sources: [probes], limits, policy: { ...policy, intervalMs: 60_000 }, onDecision: () => undefined, signal: controller.signal });
    controller.abort(new Error('interrupted by SIGINT'));
    await expect(soak).rejects.toThrow('interrupted by SIGINT');
  });
});
