// An OpenAI-compatible provider on loopback with switchable faults, for tests, the demo and
// the benchmarks. See faults-schema.ts for the faults and content.ts for how replies are made.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleControl } from './control.js';
import { FaultState, type Decision } from './faults.js';
import type { Faults, FaultsPatch } from './faults-schema.js';
import { readBody, sendError, sendText } from './http-io.js';
import { metricPath, Metrics } from './metrics.js';
import { serverError } from './openai-errors.js';
import type { Provider } from './provider.js';
import { respond } from './routes.js';
import { redactAuthorization, RequestLog, type RequestFilter, type RequestRecord } from './request-log.js';

export interface FakeProviderOptions {
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** The key it accepts (default `sk-fake-<name>-0000`). */
  apiKey?: string;
  /** Served by /v1/models; other models get 404 model_not_found. */
  models?: string[];
  /** Appears in `system_fingerprint`, `owned_by` and the `x-fake-provider` header. */
  name?: string;
  faults?: Faults;
}

export interface FakeProvider {
  /** Base URL ending in /v1. */
  readonly url: string;
  readonly port: number;
  readonly apiKey: string;
  readonly name: string;
  readonly models: readonly string[];
  /** Everything received (except /metrics and /_fake/), oldest first. */
  readonly requests: readonly RequestRecord[];
  readonly faults: Faults;
  /** Merges faults; a key set to null switches that fault off and restarts its counting. */
  setFaults(patch: FaultsPatch): void;
  resetFaults(): void;
  count(filter?: RequestFilter): number;
  resetCounts(): void;
  close(): Promise<void>;
}

export const DEFAULT_MODELS = ['gpt-4.1', 'gpt-4.1-mini', 'gpt-4o', 'gpt-4o-mini'];
const KNOWN_PATHS = ['/v1/chat/completions', '/v1/models', '/health'];
const PROMETHEUS_TEXT = 'text/plain; version=0.0.4; charset=utf-8';

export async function startFakeProvider(options: FakeProviderOptions = {}): Promise<FakeProvider> {
  const name = options.name ?? 'fake';
  const provider: Provider = {
    name,
    apiKey: options.apiKey ?? `sk-fake-${name}-0000`,
    models: [...(options.models ?? DEFAULT_MODELS)],
    faults: new FaultState(options.faults),
    log: new RequestLog(),
    metrics: new Metrics(),
    sequence: 0,
  };
  const server = createServer({ keepAliveTimeout: 5_000 }, (req, res) => {
    handle(provider, req, res).catch(() => failSafely(res));
  });
  const host = options.host ?? '127.0.0.1';
  const port = await listen(server, options.port ?? 0, host);
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${port}/v1`,
    port,
    apiKey: provider.apiKey,
    name,
    models: provider.models,
    get requests() {
      return provider.log.all;
    },
    get faults() {
      return provider.faults.faults;
    },
    setFaults: (patch) => provider.faults.set(patch),
    resetFaults: () => provider.faults.reset(),
    count: (filter) => provider.log.count(filter),
    resetCounts: () => provider.log.clear(),
    close: () => closeServer(server),
  };
}

async function handle(provider: Provider, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://fake').pathname;
  if (path.startsWith('/_fake/')) return handleControl(provider, req, res, path);
  if (path === '/metrics') return sendText(res, 200, provider.metrics.render(), PROMETHEUS_TEXT);
  const started = performance.now();
  const raw = req.method === 'POST' ? await readBody(req) : '';
  const body = parseJson(raw);
  const decision = provider.faults.decide(path);
  const record = provider.log.add(recordOf(provider, req, path, body, decision));
  res.setHeader('x-fake-provider', provider.name);
  res.setHeader('x-request-id', `req_${provider.name}_${++provider.sequence}`);
  const settle = settleOnce(provider, res, record, path, started);
  await respond(provider, req, res, { path, body, decision, authorized: record.authorized, auth: record.auth });
  // Settle here too, so a test that has just read the reply sees its status and metrics.
  if (res.headersSent) record.status = res.statusCode;
  if (res.writableEnded) settle();
}

/** Records duration and metrics once: when the reply ends, or when the connection closes
 * first (hangs, resets and cut streams). */
function settleOnce(provider: Provider, res: ServerResponse, record: RequestRecord, path: string, started: number): () => void {
  let settled = false;
  const settle = (): void => {
    if (settled) return;
    settled = true;
    record.durationMs = performance.now() - started;
    const status = res.headersSent ? res.statusCode : 'none';
    provider.metrics.observe(metricPath(path, KNOWN_PATHS), status, record.durationMs / 1000);
  };
  res.once('close', settle);
  return settle;
}

function recordOf(provider: Provider, req: IncomingMessage, path: string, body: unknown, decision: Decision): RequestRecord {
  const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  return {
    method: req.method ?? 'GET',
    path,
    time: Date.now(),
    model: typeof fields.model === 'string' ? fields.model : undefined,
    stream: req.method === 'POST' ? fields.stream === true : undefined,
    body,
    auth: redactAuthorization(req.headers.authorization),
    authorized: req.headers.authorization === `Bearer ${provider.apiKey}`,
    host: req.headers.host,
    delayMs: decision.latencyMs,
    faults: [...decision.hits],
  };
}

function parseJson(raw: string): unknown {
  if (raw === '') return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

/** A bug in the fake must not look like a provider fault the test did not ask for. */
function failSafely(res: ServerResponse): void {
  if (!res.headersSent) sendError(res, serverError(500, 'fake provider internal error'));
  else res.destroy();
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Hung requests and keep-alive sockets would hold close() forever: cut them. */
function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}
