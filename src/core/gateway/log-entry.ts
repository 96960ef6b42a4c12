// One line of the gateway's JSON access log, parsed and classified. nginx writes every value as
// a string ("-" or "" when absent); `upstream`, `upstream_status` and `upstream_header_time`
// list every upstream nginx tried for the request ("502, 200" after a failover).

export type Role = 'legacy' | 'target';

/** Why a request counts as an error; the kinds are exclusive. */
export type ErrorKind = 'server' | 'rateLimited' | 'connect' | 'timeout';

export interface LogEntry {
  /** Epoch ms; whole seconds when only `time` ($time_iso8601) is logged, exact with `msec`. */
  at: number;
  /** 1000 when `at` comes from `time` (it may be up to a second later than that), 1 from `msec`. */
  resolutionMs: number;
  environment?: string;
  provider: Role;
  requestId?: string;
  status: number;
  /** One per upstream tried, in order; empty when nginx tried none. */
  tries: { address: string; status?: number; headerMs?: number }[];
  totalMs: number;
  /** The LAST try's upstream_header_time: time to the answering node's first byte. */
  ttfbMs?: number;
  mirror: boolean;
  error?: ErrorKind;
}

/** The entry in one log line, or undefined when the line is not one (malformed, or another provider). */
export function parseLogLine(line: string): LogEntry | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof raw !== 'object' || raw === null) return undefined;
  const r = raw as Record<string, unknown>;
  const provider = text(r.provider);
  const status = int(text(r.status));
  const totalSeconds = num(text(r.request_time));
  const time = timeOf(r);
  if ((provider !== 'legacy' && provider !== 'target') || status === undefined || totalSeconds === undefined || time === undefined) return undefined;
  const tries = triesOf(r);
  const last = tries[tries.length - 1];
  const entry: LogEntry = {
    ...time,
    environment: text(r.environment),
    provider,
    requestId: text(r.request_id),
    status,
    tries,
    totalMs: Math.round(totalSeconds * 1000), // nginx logs milliseconds
    ttfbMs: last?.headerMs,
    mirror: text(r.mirror) === '1',
  };
  const error = classify(status, last, 'upstream_header_time' in r);
  if (error) entry.error = error;
  return entry;
}

/**
 * The error rule. 429 is rate limiting. A 502/503/504 that nginx made up itself, because the
 * last upstream it tried sent no response header (its upstream_header_time is "-"), is a
 * connect error (502/503) or a timeout (504); without that field, an upstream_status of "-"
 * or the same 502/504 stands for it. Any other 5xx is the provider's own answer ("server").
 */
export function classify(status: number, last: LogEntry['tries'][number] | undefined, hasHeaderTimes: boolean): ErrorKind | undefined {
  if (status === 429) return 'rateLimited';
  if (status < 500) return undefined;
  const noAnswer = !last || (hasHeaderTimes ? last.headerMs === undefined : last.status === undefined || last.status === status);
  if (noAnswer && status === 504) return 'timeout';
  if (noAnswer && (status === 502 || status === 503)) return 'connect';
  return 'server';
}

function triesOf(r: Record<string, unknown>): LogEntry['tries'] {
  const addresses = list(r.upstream);
  const statuses = list(r.upstream_status);
  const headers = list(r.upstream_header_time);
  return addresses.flatMap((address, i) => {
    if (address === undefined) return [];
    const header = num(headers[i]);
    return [{ address, status: int(statuses[i]), headerMs: header === undefined ? undefined : Math.round(header * 1000) }];
  });
}

/** "a, b : c" → ["a", "b", "c"]: nginx separates tries with ", " and upstream groups (internal redirects) with " : ". */
function list(value: unknown): (string | undefined)[] {
  const t = text(value);
  if (t === undefined) return [];
  return t.split(/\s*[,:]\s+|\s+:\s*/).map((v) => text(v.trim()));
}

function timeOf(r: Record<string, unknown>): Pick<LogEntry, 'at' | 'resolutionMs'> | undefined {
  const msec = num(text(r.msec));
  if (msec !== undefined) return { at: Math.round(msec * 1000), resolutionMs: 1 };
  const t = text(r.time);
  if (t === undefined) return undefined;
  const at = Date.parse(t);
  return Number.isNaN(at) ? undefined : { at, resolutionMs: 1000 };
}

function text(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  return value === '' || value === '-' ? undefined : value;
}

function num(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d+(\.\d+)?$/.test(value)) return undefined;
  return Number(value);
}

function int(value: string | undefined): number | undefined {
  return value !== undefined && /^\d{3}$/.test(value) ? Number(value) : undefined;
}
