import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/core/gates/evaluate.js';
import { combine } from '../../src/core/gates/combine.js';
import type { Check, Figures, Reading } from '../../src/core/gates/types.js';

const limits = { maxErrorRate: 0.01, maxP95Ms: 3000, maxP95Ratio: 1.2, p95RatioFloorMs: 50, minSamples: 20 };
const measured = (target: Figures, legacy?: Figures): Reading => ({ source: 'probes', kind: 'measurement', target, legacy });

describe('evaluate: thresholds', () => {
  it('passes healthy figures and says why', () => {
    const c = evaluate(measured({ requests: 212, errors: 1, p95Ms: 812 }, { requests: 200, errors: 0, p95Ms: 900 }), limits);
    expect(c.outcome).toBe('pass');
    expect(c.reason).toBe('error rate 0.5% ≤ 1.0%, p95 812ms ≤ 3000ms (0.90x legacy) over 212 requests');
  });

  it('fails on the error rate', () => {
    const c = evaluate(measured({ requests: 212, errors: 9, p95Ms: 500 }), limits);
    expect(c).toMatchObject({ outcome: 'fail', reason: 'error rate 4.2% > 1.0% over 212 requests' });
  });

  it('passes exactly at the error-rate limit', () => {
    expect(evaluate(measured({ requests: 100, errors: 1, p95Ms: 10 }), limits).outcome).toBe('pass');
  });

  it('fails on the absolute p95', () => {
    const c = evaluate(measured({ requests: 50, errors: 0, p95Ms: 3100 }), limits);
    expect(c).toMatchObject({ outcome: 'fail', reason: 'p95 3100ms > 3000ms over 50 requests' });
  });

  it('fails on p95 relative to legacy measured in the same window', () => {
    const c = evaluate(measured({ requests: 50, errors: 0, p95Ms: 1300 }, { requests: 50, errors: 0, p95Ms: 1000 }), limits);
    expect(c).toMatchObject({ outcome: 'fail', reason: "p95 1300ms is 1.30x legacy's 1000ms > 1.20x over 50 requests" });
  });

  it('ignores a ratio when the difference is loopback noise', () => {
    const c = evaluate(measured({ requests: 50, errors: 0, p95Ms: 9 }, { requests: 50, errors: 0, p95Ms: 3 }), limits);
    expect(c.outcome).toBe('pass');
  });

  it('lets the ratio alone decide with p95RatioFloorMs: 0, and a larger floor tolerate more', () => {
    const slower = measured({ requests: 50, errors: 0, p95Ms: 149 }, { requests: 50, errors: 0, p95Ms: 100 });
    expect(evaluate(slower, limits).outcome).toBe('pass'); // 49 ms slower: under the default 50 ms floor
    expect(evaluate(slower, { ...limits, p95RatioFloorMs: 0 })).toMatchObject({ outcome: 'fail', reason: "p95 149ms is 1.49x legacy's 100ms > 1.20x over 50 requests" });
    const c = evaluate(measured({ requests: 50, errors: 0, p95Ms: 1300 }, { requests: 50, errors: 0, p95Ms: 1000 }), { ...limits, p95RatioFloorMs: 500 });
    expect(c.outcome).toBe('pass');
  });

  it('ignores the ratio when legacy had too few samples to be a baseline', () => {
    const c = evaluate(measured({ requests: 50, errors: 0, p95Ms: 1300 }, { requests: 5, errors: 0, p95Ms: 100 }), limits);
    expect(c.outcome).toBe('pass');
  });

  it('fails at once on a 401/403 from target, even below minSamples', () => {
    const c = evaluate(measured({ requests: 3, errors: 1, authFailures: 1 }), limits);
    expect(c).toMatchObject({ outcome: 'fail', reason: 'target answered 401/403 to 1 request: the key or base URL is wrong' });
  });

  it('is inconclusive below minSamples, however bad the figures', () => {
    const c = evaluate(measured({ requests: 19, errors: 19, p95Ms: 9000 }), limits);
    expect(c).toMatchObject({ outcome: 'inconclusive', reason: '19 requests < 20 needed' });
  });

  it('is inconclusive when a source has no data at all (Prometheus: empty vector)', () => {
    expect(evaluate(measured({}), limits)).toMatchObject({ outcome: 'inconclusive', reason: 'no data for target yet' });
  });

  it('uses a measured error ratio when the source gives no counts', () => {
    const c = evaluate({ source: 'prometheus', kind: 'measurement', target: { errorRate: 0.05 } }, limits);
    expect(c).toMatchObject({ outcome: 'fail', reason: 'error rate 5.0% > 1.0%' });
  });

  it('turns a source error into an error outcome, never pass or fail', () => {
    const c = evaluate({ source: 'prometheus', kind: 'error', message: 'connection refused' }, limits);
    expect(c).toMatchObject({ outcome: 'error', reason: 'prometheus: connection refused' });
  });

  it('takes a command or webhook verdict as given', () => {
    for (const verdict of ['pass', 'fail', 'inconclusive'] as const) {
      const c = evaluate({ source: 'command', kind: 'verdict', verdict, detail: 'smoke test' }, limits);
      expect(c).toMatchObject({ outcome: verdict, reason: `command says ${verdict}: smoke test` });
    }
  });
});

describe('combine: the worst outcome wins', () => {
  const check = (source: string, outcome: Check['outcome'], reason = `${outcome} reason`): Check => ({ source, outcome, reason });

  it('a fail outranks an error, an error outranks inconclusive and pass', () => {
    expect(combine([check('a', 'pass'), check('b', 'fail')]).outcome).toBe('fail');
    expect(combine([check('a', 'error', 'a: down'), check('b', 'fail')]).outcome).toBe('fail');
    expect(combine([check('a', 'pass'), check('b', 'error', 'b: down')])).toMatchObject({ outcome: 'error', reason: 'b: down' });
    expect(combine([check('a', 'inconclusive'), check('b', 'error', 'b: down')]).outcome).toBe('error');
    expect(combine([check('a', 'pass'), check('b', 'inconclusive')]).outcome).toBe('inconclusive');
  });

  it('names sources when there are several and all pass', () => {
    expect(combine([check('probes', 'pass', 'ok1'), check('prometheus', 'pass', 'ok2')]).reason).toBe('probes: ok1; prometheus: ok2');
  });

  it('no source at all is never a pass', () => {
    expect(combine([]).outcome).toBe('inconclusive');
  });
});

describe('evaluate: real traffic per node', () => {
  it("names each node's tries, errors and failovers in the decision when a provider has several", () => {
    const reading: Reading = {
      source: 'gateway',
      kind: 'measurement',
      label: 'real traffic',
      countedErrors: true,
      target: { requests: 40, errors: 0, p95Ms: 80, nodes: { east: { requests: 12, errors: 3, failovers: 3 }, west: { requests: 31, errors: 0, failovers: 0 } } },
      legacy: { requests: 160, errors: 0, p95Ms: 70, nodes: { legacy: { requests: 160, errors: 0, failovers: 0 } } },
    };
    const c = evaluate(reading, limits);
    expect(c.outcome).toBe('pass');
    expect(c.reason).toContain('target 0.0% errors p95 80ms (40 req; nodes east 12 req 3 err 3 failed over, west 31 req 0 err), legacy 0.0% errors p95 70ms (160 req)');
  });
});
