// What the fake received, so tests assert on traffic rather than on logs. Keys never enter
// the log: only a redacted form of the Authorization header is kept.

export interface RequestRecord {
  method: string;
  path: string;
  /** Epoch ms when the request arrived. */
  time: number;
  model?: string;
  stream?: boolean;
  /** The parsed JSON body (POST only). */
  body?: unknown;
  /** Redacted Authorization header, e.g. "Bearer sk-…demo"; "" when absent. */
  auth: string;
  /** Whether the key matched the one this provider accepts. */
  authorized: boolean;
  /** The Host header it was sent (a gateway sets each node's own). */
  host?: string;
  /** Status sent; undefined while in flight or when no response was sent (reset, hang). */
  status?: number;
  /** Delay the latency fault drew for this request (0 without one). */
  delayMs: number;
  /** Names of the faults that hit this request. */
  faults: string[];
  /** Set when the exchange ended. */
  durationMs?: number;
}

export type RequestFilter = Partial<Pick<RequestRecord, 'method' | 'path' | 'model' | 'stream' | 'status' | 'authorized'>> | ((record: RequestRecord) => boolean);

/** Oldest records are dropped past this, so a long demo run does not grow without bound. */
const DEFAULT_LIMIT = 100_000;

export class RequestLog {
  private records: RequestRecord[] = [];

  constructor(private readonly limit = DEFAULT_LIMIT) {}

  add(record: RequestRecord): RequestRecord {
    this.records.push(record);
    if (this.records.length > this.limit) this.records.splice(0, this.records.length - this.limit);
    return record;
  }

  get all(): readonly RequestRecord[] {
    return this.records;
  }

  count(filter?: RequestFilter): number {
    if (!filter) return this.records.length;
    const match = typeof filter === 'function' ? filter : matches(filter);
    return this.records.filter(match).length;
  }

  clear(): void {
    this.records = [];
  }
}

function matches(fields: Exclude<RequestFilter, (record: RequestRecord) => boolean>): (r: RequestRecord) => boolean {
  const wanted = Object.entries(fields).filter(([, v]) => v !== undefined);
  return (r) => wanted.every(([k, v]) => r[k as keyof RequestRecord] === v);
}

/** "Bearer sk-abcdef...wxyz" -> "Bearer sk-…wxyz": never more than the last 4 characters. */
export function redactAuthorization(header: string | undefined): string {
  if (!header) return '';
  const match = /^(\w+)\s+(.*)$/.exec(header.trim());
  const scheme = match ? `${match[1]} ` : '';
  const token = match ? match[2]! : header.trim();
  const prefix = token.startsWith('sk-') ? 'sk-' : '';
  const tail = token.length >= 12 ? token.slice(-4) : '';
  return `${scheme}${prefix}…${tail}`;
}
