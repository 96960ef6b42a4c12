import type { ProbeResponse, RequestSpec } from '../../http/types.js';
import { chatRequest, type Endpoint } from '../../providers/endpoint.js';
import { summarize } from '../../stats.js';
import type { Figures, GateSource, Reading, WindowSpec } from '../types.js';

/** What the probes need from the probing client (src/core/http ProbeClient). */
export interface ProbeTransport {
  request(spec: RequestSpec): Promise<ProbeResponse>;
}

export interface ProbeSourceOptions {
  client: ProbeTransport;
  target: Endpoint;
  /** Measured alongside, in the same window, as the p95 baseline; omit for no baseline. */
  legacy?: Endpoint;
  model: string;
  /** Requests per second to each provider. */
  rps: number;
}

interface Sample {
  role: 'target' | 'legacy';
  /** When the answer came (epoch ms): a sample belongs to the window it completed in. */
  at: number;
  ok: boolean;
  auth: boolean;
  totalMs: number;
}

/** A source that sends its own traffic: call start() when the first weight is applied, close() at the end. */
export interface ProbeSource extends GateSource {
  start(): void;
}

/** Beyond this many unanswered probes per provider, skip a tick: a hanging provider must not pile up sockets. */
const MAX_IN_FLIGHT = 32;

/**
 * Active probes: minimal chat completions to target (and legacy) at a steady rate, never retried,
 * so every failure the target gives is counted. `read` aggregates the window's answers.
 */
export function probeSource(opts: ProbeSourceOptions): ProbeSource {
  const samples: Sample[] = [];
  const inFlight = { target: 0, legacy: 0 };
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;

  async function probe(role: 'target' | 'legacy', endpoint: Endpoint): Promise<void> {
    if (inFlight[role] >= MAX_IN_FLIGHT) return;
    inFlight[role]++;
    const spec = chatRequest(endpoint, { model: opts.model, content: 'ping', maxTokens: 1, retries: 0, signal: controller.signal });
    try {
      const res = await opts.client.request(spec);
      samples.push({ role, at: Date.now(), ok: res.ok, auth: isAuthFailure(res), totalMs: res.timings.totalMs });
    } catch {
      // Only an abort rejects (close()); nothing to record.
    } finally {
      inFlight[role]--;
    }
  }

  function tick(): void {
    void probe('target', opts.target);
    if (opts.legacy) void probe('legacy', opts.legacy);
  }

  return {
    name: 'probes',
    start() {
      if (timer) return;
      tick();
      timer = setInterval(tick, 1000 / opts.rps);
      timer.unref();
    },
    async read(w: WindowSpec): Promise<Reading> {
      // Windows only move forward, so older samples can go.
      while (samples.length > 0 && samples[0]!.at < w.from) samples.shift();
      const inWindow = samples.filter((s) => s.at <= w.to);
      const targetSamples = inWindow.filter((s) => s.role === 'target');
      const legacySamples = opts.legacy ? inWindow.filter((s) => s.role === 'legacy') : undefined;
      // The latencies go along so the gates judge a p95 only with enough of them and compare with legacy by rank test.
      const latency = { target: latencies(targetSamples), ...(legacySamples ? { legacy: latencies(legacySamples) } : {}) };
      return { source: 'probes', kind: 'measurement', target: figures(targetSamples), legacy: legacySamples && figures(legacySamples), samples: latency };
    },
    async close() {
      if (timer) clearInterval(timer);
      timer = undefined;
      controller.abort();
    },
  };
}

function figures(samples: Sample[]): Figures {
  return {
    requests: samples.length,
    errors: samples.filter((s) => !s.ok).length,
    p95Ms: summarize(samples.map((s) => s.totalMs))?.p95,
    authFailures: samples.filter((s) => s.auth).length,
  };
}

/** Every probe's time, as the p95 figure counts them. */
function latencies(samples: Sample[]): number[] {
  return samples.map((s) => s.totalMs);
}

function isAuthFailure(res: ProbeResponse): boolean {
  return res.failure?.kind === 'auth' || res.status === 401 || res.status === 403;
}
