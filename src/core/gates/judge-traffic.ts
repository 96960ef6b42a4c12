import { errorRateOf } from './error-rate.js';
import { ms, pct, requests } from './format.js';
import { judgeErrorCount } from './stats/error-test.js';
import { judgeLatency, latencyFigures } from './stats/latency-test.js';
import { P95_MIN_SAMPLES } from './stats/samples.js';
import type { Check, Figures, LatencySamples, Thresholds } from './types.js';

type Judged = Pick<Check, 'outcome' | 'reason' | 'tests'>;

/**
 * Real traffic judged with statistics: the error count (binomial, Fisher), the absolute p95
 * (only from 20 samples) and the slowdown against legacy (Mann-Whitney plus maxP95Ratio).
 * The reason always ends with both providers' figures, so the decision line reads
 * `real traffic: target 0.4% errors p95 812ms (241 req), legacy 0.3% p95 790ms (960 req); …`.
 */
export function judgeTraffic(target: Figures, legacy: Figures | undefined, samples: LatencySamples | undefined, limits: Thresholds): Judged {
  const summary = [side('target', target), ...(legacy ? [side('legacy', legacy)] : [])].join(', ');
  const auth = target.authFailures ?? 0;
  if (auth > 0) return { outcome: 'fail', reason: `target answered 401/403 to ${requests(auth)}: the key or base URL is wrong; ${summary}` };
  const n = target.requests ?? 0;
  if (n < limits.minSamples) return { outcome: 'inconclusive', reason: `${summary}: ${requests(n)} < ${limits.minSamples} needed` };

  const errors = judgeErrorCount(target, legacy, limits);
  const latency = samples?.legacy ? judgeLatency(samples.target, samples.legacy, limits) : undefined;
  const p95Over = n >= P95_MIN_SAMPLES && target.p95Ms !== undefined && target.p95Ms > limits.maxP95Ms;
  const tests = {
    errors: errors.binomialP === undefined ? undefined : { binomialP: errors.binomialP, fisherP: errors.fisherP },
    latency: latency && latencyFigures(latency),
  };
  const fails = [
    ...(errors.outcome === 'fail' ? [errors.reason!] : []),
    ...(p95Over ? [`p95 ${ms(target.p95Ms!)} > ${ms(limits.maxP95Ms)}`] : []),
    ...(latency?.outcome === 'fail' ? [latency.reason] : []),
  ];
  if (fails.length > 0) return { outcome: 'fail', reason: `${fails.join('; ')}; ${summary}`, tests };
  if (errors.outcome === 'inconclusive') return { outcome: 'inconclusive', reason: `${errors.reason!}; ${summary}`, tests };
  const notes = [...(n < P95_MIN_SAMPLES ? [`p95 not judged (${n} < ${P95_MIN_SAMPLES} samples)`] : []), ...(latency ? [`latency vs legacy ${latency.reason}`] : [])];
  return { outcome: 'pass', reason: [summary, ...notes].join('; '), tests };
}

/** "target 0.4% errors p95 812ms (241 req)"; the error kinds when there were errors. */
function side(role: string, f: Figures): string {
  if (f.requests === 0) return `${role} no requests`;
  const rate = errorRateOf(f);
  const kinds = f.errorKinds && (f.errors ?? 0) > 0 ? ` [${kindsText(f.errorKinds)}]` : '';
  const p95 = f.p95Ms === undefined ? '' : ` p95 ${ms(f.p95Ms)}`;
  return `${role} ${rate === undefined ? 'no' : pct(rate)} errors${kinds}${p95} (${f.requests ?? 0} req${nodesText(f.nodes)})`;
}

/** "; nodes east 197 req 0 err, down 3 req 3 err 3 failed over": when more than one node served (failover). */
function nodesText(nodes: Figures['nodes']): string {
  const entries = Object.entries(nodes ?? {});
  if (entries.length < 2) return '';
  const node = ([id, n]: (typeof entries)[number]) => `${id} ${n.requests} req ${n.errors} err${n.failovers ? ` ${n.failovers} failed over` : ''}`;
  return `; nodes ${entries.map(node).join(', ')}`;
}

function kindsText(k: NonNullable<Figures['errorKinds']>): string {
  const parts = [
    [k.server, '5xx'],
    [k.rateLimited, '429'],
    [k.connect, 'connect'],
    [k.timeout, 'timeout'],
  ] as const;
  return parts
    .filter(([count]) => count > 0)
    .map(([count, name]) => `${count} ${name}`)
    .join(', ');
}
