import { pointingOk } from '../appview/pointing.js';
import type { EnvironmentPointing } from './environment.js';
import type { EndpointReport } from './types.js';

export interface CheckDocument {
  schemaVersion: 1;
  ok: boolean;
  config: string;
  environment?: EnvironmentPointing;
  /** Where each provider's apiKey and baseUrl came from ("${VAR} from .env.migrate"), never the value. */
  origins: Record<string, string>;
  endpoints: EndpointReport[];
}

/** The `--json` document: the same data as the table, with timings rounded to 0.1 ms. */
export function checkDocument(config: string, reports: EndpointReport[], environment?: EnvironmentPointing, origins: Record<string, string> = {}): CheckDocument {
  const ok = reports.every((r) => r.verdict !== 'fail') && pointingOk(environment?.containers ?? []);
  return { schemaVersion: 1, ok, config, environment, origins, endpoints: roundMs(reports) };
}

// Every fractional number in a report is a duration in ms (counts and ports are integers), and
// sub-0.1 ms digits are timer noise, not information.
function roundMs<T>(value: T): T {
  if (typeof value === 'number') return (Number.isInteger(value) ? value : Math.round(value * 10) / 10) as T;
  if (Array.isArray(value)) return value.map(roundMs) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, roundMs(v)])) as T;
  }
  return value;
}
