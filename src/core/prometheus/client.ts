import { parseResult, type QueryResult } from './result.js';

export interface PromClientOptions {
  /** Prometheus base URL, e.g. http://localhost:9090 (a path prefix is kept). */
  url: string;
  timeoutMs: number;
}

/** Every failure talking to Prometheus, with a one-line message safe to print. */
export class PromQueryError extends Error {}

/** An instant query over the HTTP API (GET /api/v1/query). */
export async function queryInstant(opts: PromClientOptions, promql: string, signal?: AbortSignal): Promise<QueryResult> {
  const { url, headers } = endpoint(opts.url, promql);
  const timeout = AbortSignal.timeout(opts.timeoutMs);
  const res = await fetch(url, { signal: signal ? AbortSignal.any([signal, timeout]) : timeout, headers }).catch((err: unknown) => {
    throw new PromQueryError(`${safeOrigin(opts.url)} unreachable: ${describe(err, opts.timeoutMs)}`);
  });
  const body = await readJson(res, opts.url);
  if (body?.status !== 'success') {
    const why = body?.error ? `${body.errorType ?? 'error'}: ${body.error}` : `HTTP ${res.status}`;
    throw new PromQueryError(`${safeOrigin(opts.url)} rejected the query (${why})`);
  }
  try {
    return parseResult(body.data);
  } catch (err) {
    throw new PromQueryError(`${safeOrigin(opts.url)}: ${(err as Error).message}`);
  }
}

/** fetch refuses URLs with credentials, so http://user:pass@host becomes a Basic auth header. */
function endpoint(base: string, promql: string): { url: URL; headers: Record<string, string> } {
  const url = new URL('api/v1/query', base.endsWith('/') ? base : `${base}/`);
  url.searchParams.set('query', promql);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (url.username || url.password) {
    const user = decodeURIComponent(url.username);
    const pass = decodeURIComponent(url.password);
    headers.authorization = `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
    url.username = '';
    url.password = '';
  }
  return { url, headers };
}

interface ApiBody {
  status?: string;
  data?: unknown;
  error?: string;
  errorType?: string;
}

async function readJson(res: Response, base: string): Promise<ApiBody | undefined> {
  const text = await res.text().catch(() => '');
  try {
    return JSON.parse(text) as ApiBody;
  } catch {
    throw new PromQueryError(`${safeOrigin(base)} answered HTTP ${res.status} without JSON: is this the Prometheus URL?`);
  }
}

function describe(err: unknown, timeoutMs: number): string {
  const e = err as { name?: string; cause?: { code?: string; message?: string }; message?: string };
  if (e?.name === 'TimeoutError') return `no answer within ${timeoutMs}ms`;
  if (e?.name === 'AbortError') return 'aborted';
  return e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(err);
}

/** Never print credentials a user put in the URL (http://user:pass@prom). */
function safeOrigin(raw: string): string {
  try {
    const u = new URL(raw);
    return `prometheus at ${u.protocol}//${u.host}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    return 'prometheus';
  }
}
