// The metric and recording-rule names `migrate monitoring` writes. A contract: the mtail
// program emits the first three, the rules derive the rest, and the dashboard, the alerts and
// the ramp's default Prometheus gate queries read them.

/** Counter: gateway requests by environment, provider, node, code, model, mirror. */
export const REQUESTS = 'migrate_gateway_requests_total';
/** Histograms (seconds): whole request, and time to the answering node's first byte. */
export const DURATION = 'migrate_gateway_request_duration_seconds';
export const TTFB = 'migrate_gateway_ttfb_seconds';

/** Buckets for LLM calls: a cached reply in 50 ms up to a long completion at 120 s. */
export const BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 20, 30, 60, 120];

export const WINDOWS = ['1m', '5m'] as const;
export type Window = (typeof WINDOWS)[number];
export const QUANTILES = [50, 95, 99] as const;
export type Level = 'provider' | 'provider_node';

export const errorRatio = (level: Level, w: Window) => `environment_${level}:migrate_gateway_error_ratio:rate${w}`;
export const requestRate = (level: Level, w: Window) => `environment_${level}:migrate_gateway_requests:rate${w}`;
export const latency = (level: Level, q: (typeof QUANTILES)[number], w: Window) => `environment_${level}:migrate_gateway_request_duration_seconds:p${q}_${w}`;
export const ttfb = (q: (typeof QUANTILES)[number], w: Window) => `environment_provider:migrate_gateway_ttfb_seconds:p${q}_${w}`;
export const byStatusClass = (w: Window) => `environment_provider_status_class:migrate_gateway_requests:rate${w}`;

/** The labels of one level, for `by (...)`. */
export const labelsOf = (level: Level) => (level === 'provider' ? 'environment, provider' : 'environment, provider, node');

/** Jobs in the written prometheus.yml. */
export const JOBS = { gateway: 'migrate_gateway', nodes: 'migrate_nodes', ramp: 'migrate' } as const;

/** What a request counts as an error, as the gateway gate classifies it: any 5xx and 429. */
export const ERROR_CODES = '5..|429';
