import type { z } from 'zod/mini';
import type { prometheusSourceSchema } from '../../config/schema.js';
import { queryInstant } from '../../prometheus/client.js';
import { singleValue } from '../../prometheus/result.js';
import { renderQuery } from '../../prometheus/template.js';
import { DEFAULT_GATE_QUERIES } from '../../monitoring/gate-queries.js';
import type { Figures, GateSource, Reading, WindowSpec } from '../types.js';

export type PrometheusSourceConfig = z.output<ReturnType<typeof prometheusSourceSchema>>;

const QUERIES = ['errorRate', 'p95Ms', 'baselineP95Ms', 'samples'] as const;
type QueryName = (typeof QUERIES)[number];

/** Real traffic's health from PromQL instant queries; any failed query makes the whole reading an error. */
export function prometheusSource(config: PrometheusSourceConfig): GateSource {
  return {
    name: 'prometheus',
    async read(window: WindowSpec): Promise<Reading> {
      const vars = { env: window.environment, weight: window.weight, windowMs: window.to - window.from };
      try {
        const values = await Promise.all(
          configured(config).map(async ([name, template]) => {
            const result = await queryInstant({ url: config.url, timeoutMs: config.timeoutMs }, renderQuery(template, vars), window.signal);
            return [name, valueOf(name, result)] as const;
          }),
        );
        return toReading(Object.fromEntries(values));
      } catch (err) {
        if (window.signal?.aborted) throw window.signal.reason; // interrupted: not a gate outcome
        return { source: 'prometheus', kind: 'error', message: (err as Error).message };
      }
    },
  };
}

/** The queries written; with none at all, the recording rules `migrate monitoring` writes. */
export function configured(config: PrometheusSourceConfig): [QueryName, string][] {
  if (QUERIES.every((name) => !config[name])) return Object.entries(DEFAULT_GATE_QUERIES) as [QueryName, string][];
  return QUERIES.flatMap((name) => (config[name] ? [[name, config[name]] as [QueryName, string]] : []));
}

function valueOf(name: QueryName, result: Parameters<typeof singleValue>[0]): number | undefined {
  try {
    return singleValue(result);
  } catch (err) {
    throw new Error(`${name} query ${(err as Error).message}`, { cause: err });
  }
}

function toReading(v: Partial<Record<QueryName, number>>): Reading {
  const target: Figures = { errorRate: v.errorRate, p95Ms: v.p95Ms };
  // Without a samples query minSamples cannot apply; with one, "no data" means zero requests.
  if ('samples' in v) target.requests = Math.round(v.samples ?? 0);
  const legacy: Figures | undefined = v.baselineP95Ms === undefined ? undefined : { p95Ms: v.baselineP95Ms };
  // Labelled like the gateway's "real traffic": at 3 a.m. the line must say the figures came
  // from Prometheus even when it is the only source (a rollback there is a query to re-run).
  return { source: 'prometheus', kind: 'measurement', label: 'Prometheus', target, legacy };
}
