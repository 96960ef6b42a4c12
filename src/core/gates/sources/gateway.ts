import { boundLog, cursorAtEnd, cursorAtStart, DEFAULT_MAX_LOG_BYTES, readSince, type LogCursor } from '../../gateway/access-log.js';
import type { LogEntry } from '../../gateway/log-entry.js';
import { trafficByProvider, type NodeMap, type ProviderTraffic } from '../../gateway/traffic-stats.js';
import { P99_MIN_SAMPLES } from '../stats/samples.js';
import type { Figures, GateSource, Reading, WindowSpec } from '../types.js';

export interface GatewaySourceOptions {
  /** The gateway's JSON access log (absolute). */
  file: string;
  /** Only this environment's lines count when the log carries an `environment` field. */
  environment: string;
  nodes: NodeMap;
  maxLogBytes?: number;
}

/** A source that must see the log's end before traffic moves: start() when the first weight is applied. */
export interface RealTrafficSource extends GateSource {
  start(): Promise<void>;
  /** Lines read so far that were not access-log entries (another log_format, garbled). */
  malformedLines(): number;
}

/**
 * Real traffic from the gateway's access log: each read takes the lines written since the
 * last one (from the log's end when the ramp started), keeps the window's, and measures each
 * provider. A log that cannot be read is an error reading, never a pass.
 */
export function gatewaySource(opts: GatewaySourceOptions): RealTrafficSource {
  let cursor: LogCursor | undefined;
  let entries: LogEntry[] = [];
  let malformed = 0;

  // The live line and the decisions both read: one catch-up at a time, or lines would count twice.
  let queue: Promise<void> = Promise.resolve();
  function catchUp(): Promise<void> {
    const next = queue.catch(() => undefined).then(readNew);
    queue = next;
    return next;
  }

  async function readNew(): Promise<void> {
    if (!cursor) {
      cursor = await cursorAtEnd(opts.file);
      return;
    }
    const read = await readSince(opts.file, cursor);
    cursor = read.cursor;
    malformed += read.malformed;
    entries.push(...read.entries.filter((e) => e.environment === undefined || e.environment === opts.environment));
    if (await boundLog(opts.file, opts.maxLogBytes ?? DEFAULT_MAX_LOG_BYTES)) cursor = cursorAtStart(cursor.ino);
  }

  return {
    name: 'gateway',
    malformedLines: () => malformed,
    async start() {
      // A log that is not there yet is the first read's error to report, not the apply's.
      if (!cursor) cursor = await cursorAtEnd(opts.file).catch(() => undefined);
    },
    async read(w: WindowSpec): Promise<Reading> {
      try {
        await catchUp();
      } catch (err) {
        return { source: 'gateway', kind: 'error', message: `cannot read the access log ${opts.file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` };
      }
      // Windows only move forward, so older lines can go.
      // `time` ($time_iso8601) has whole seconds: a line logged in the window's first second belongs to it.
      entries = entries.filter((e) => e.at + e.resolutionMs > w.from);
      const traffic = trafficByProvider(
        entries.filter((e) => e.at <= w.to),
        opts.nodes,
      );
      return {
        source: 'gateway',
        kind: 'measurement',
        label: 'real traffic',
        countedErrors: true,
        target: figures(traffic.target),
        legacy: figures(traffic.legacy),
        samples: { target: traffic.target.totalMs, legacy: traffic.legacy.totalMs },
      };
    },
  };
}

function figures(t: ProviderTraffic): Figures {
  return {
    requests: t.requests,
    errors: t.errors,
    errorKinds: t.errorKinds,
    authFailures: t.authFailures,
    p50Ms: t.total?.p50,
    p95Ms: t.total?.p95,
    ...(t.requests >= P99_MIN_SAMPLES ? { p99Ms: t.total?.p99 } : {}),
    ttfbP50Ms: t.ttfb?.p50,
    ttfbP95Ms: t.ttfb?.p95,
    nodes: t.nodes,
  };
}
