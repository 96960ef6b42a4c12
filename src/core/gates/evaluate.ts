import { ms, pct, ratio, requests } from './format.js';
import { errorRateOf } from './error-rate.js';
import { judgeTraffic } from './judge-traffic.js';
import { judgeLatency, latencyFigures } from './stats/latency-test.js';
import { P95_MIN_SAMPLES } from './stats/samples.js';
import type { Check, Figures, LatencySamples, Reading, Thresholds } from './types.js';

/** Judge one source's reading. Order matters: auth first (it never heals), then too few samples. */
export function evaluate(reading: Reading, limits: Thresholds): Check {
  if (reading.kind === 'error') return { source: reading.source, outcome: 'error', reason: `${reading.source}: ${reading.message}` };
  if (reading.kind === 'verdict') {
    const detail = reading.detail ? `: ${reading.detail}` : '';
    return { source: reading.source, outcome: reading.verdict, reason: `${reading.source} says ${reading.verdict}${detail}` };
  }
  const base = { source: reading.source, target: reading.target, legacy: reading.legacy, ...(reading.label ? { label: reading.label } : {}) };
  if (reading.countedErrors) return { ...base, ...judgeTraffic(reading.target, reading.legacy, reading.samples, limits) };
  return { ...base, ...judgeFigures(reading.target, reading.legacy, limits, reading.samples) };
}

/** Sources without per-request samples (Prometheus) are judged on their p95 figures; with samples (probes) latency is judged by judgeLatency. */
function judgeFigures(target: Figures, legacy: Figures | undefined, limits: Thresholds, samples?: LatencySamples): Pick<Check, 'outcome' | 'reason' | 'tests'> {
  const auth = target.authFailures ?? 0;
  if (auth > 0) return { outcome: 'fail', reason: `target answered 401/403 to ${requests(auth)}: the key or base URL is wrong` };
  if (target.requests !== undefined && target.requests < limits.minSamples) {
    return { outcome: 'inconclusive', reason: `${requests(target.requests)} < ${limits.minSamples} needed` };
  }
  const rate = errorRateOf(target);
  if (rate === undefined && target.p95Ms === undefined) return { outcome: 'inconclusive', reason: 'no data for target yet' };
  const over = target.requests === undefined ? '' : ` over ${requests(target.requests)}`;
  if (rate !== undefined && rate > limits.maxErrorRate) {
    return { outcome: 'fail', reason: `error rate ${pct(rate)} > ${pct(limits.maxErrorRate)}${over}` };
  }
  // A p95 over fewer than 20 samples is the maximum: one slow request is not a fail.
  const p95Judged = !samples || samples.target.length >= P95_MIN_SAMPLES;
  if (p95Judged && target.p95Ms !== undefined && target.p95Ms > limits.maxP95Ms) {
    return { outcome: 'fail', reason: `p95 ${ms(target.p95Ms)} > ${ms(limits.maxP95Ms)}${over}` };
  }
  if (samples) return judgeSampled(rate, target, samples, limits, over);
  const baseline = comparableBaseline(legacy, limits);
  const r = baseline !== undefined && target.p95Ms !== undefined ? target.p95Ms / baseline : undefined;
  if (r !== undefined && r > limits.maxP95Ratio && target.p95Ms! - baseline! > limits.p95RatioFloorMs) {
    return { outcome: 'fail', reason: `p95 ${ms(target.p95Ms!)} is ${ratio(r)} legacy's ${ms(baseline!)} > ${ratio(limits.maxP95Ratio)}${over}` };
  }
  return { outcome: 'pass', reason: passReason(rate, target.p95Ms, r, limits) + over };
}

function judgeSampled(rate: number | undefined, target: Figures, samples: LatencySamples, limits: Thresholds, over: string): Pick<Check, 'outcome' | 'reason' | 'tests'> {
  const latency = samples.legacy ? judgeLatency(samples.target, samples.legacy, limits) : undefined;
  const tests = latency ? { latency: latencyFigures(latency) } : undefined;
  if (latency?.outcome === 'fail') return { outcome: 'fail', reason: `${latency.reason}${over}`, tests };
  const p95 = samples.target.length >= P95_MIN_SAMPLES ? target.p95Ms : undefined;
  const parts = [passReason(rate, p95, undefined, limits)];
  if (p95 === undefined && target.p95Ms !== undefined) parts.push(`p95 not judged (${samples.target.length} < ${P95_MIN_SAMPLES} samples)`);
  if (latency) parts.push(`vs legacy ${latency.reason}`);
  return { outcome: 'pass', reason: parts.filter(Boolean).join(', ') + over, tests };
}

/** Legacy's p95 counts as a baseline only when legacy itself had enough samples. */
function comparableBaseline(legacy: Figures | undefined, limits: Thresholds): number | undefined {
  if (!legacy || legacy.p95Ms === undefined || legacy.p95Ms <= 0) return undefined;
  if (legacy.requests !== undefined && legacy.requests < limits.minSamples) return undefined;
  return legacy.p95Ms;
}

function passReason(rate: number | undefined, p95: number | undefined, r: number | undefined, limits: Thresholds): string {
  const parts: string[] = [];
  if (rate !== undefined) parts.push(`error rate ${pct(rate)} ≤ ${pct(limits.maxErrorRate)}`);
  if (p95 !== undefined) parts.push(`p95 ${ms(p95)} ≤ ${ms(limits.maxP95Ms)}${r === undefined ? '' : ` (${ratio(r)} legacy)`}`);
  return parts.join(', ');
}
