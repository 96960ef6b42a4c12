import { REQUESTS, errorRatio, latency } from './names.js';

/**
 * The Prometheus gate's queries when none are written: the recording rules `migrate monitoring`
 * writes (1m windows, so a decision sees the current stage within a minute), and the raw counter
 * for the window's request count, which no fixed-window rule can give.
 */
export const DEFAULT_GATE_QUERIES = {
  errorRate: `${errorRatio('provider', '1m')}{environment="{{env}}",provider="target"}`,
  p95Ms: `1000 * ${latency('provider', 95, '1m')}{environment="{{env}}",provider="target"}`,
  baselineP95Ms: `1000 * ${latency('provider', 95, '1m')}{environment="{{env}}",provider="legacy"}`,
  samples: `sum(increase(${REQUESTS}{environment="{{env}}",provider="target"}[{{window}}]))`,
} as const;
