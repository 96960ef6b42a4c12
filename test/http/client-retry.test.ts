// Retries against real loopback servers: the server counts what it received.
import { describe, expect, it } from 'vitest';
import { completion, json, startServer } from './server.js';
import { newClient, serve } from './rig.js';

describe('ProbeClient retries', () => {
  it('retries 503 twice, then succeeds', async () => {
    const server = await serve((_req, res, n) => (n < 3 ? json(res, 503, { error: { message: 'overloaded' } }) : json(res, 200, completion)));
    const res = await newClient().request({ method: 'POST', url: `${server.url}/v1/chat/completions`, body: { model: 'm' } });
    expect(res).toMatchObject({ ok: true, status: 200, json: completion });
    expect(server.requests).toHaveLength(3);
    expect(res.attempts.map((a) => a.status)).toEqual([503, 503, 200]);
    expect(res.attempts[0]!.failure?.kind).toBe('server');
  });

  it('awaits beforeAttempt before every attempt, and starts the total timeout after the first', async () => {
    const log: string[] = [];
    const server = await serve((_req, res, n) => (log.push(`request ${n}`), n < 3 ? json(res, 503, { error: 'busy' }, { 'retry-after-ms': '0' }) : json(res, 200, completion)));
    let waits = 0;
    // The first wait (a rate-limit token, say) is longer than the whole total timeout: it must not count.
    const beforeAttempt = async () => (log.push(`token ${++waits}`), waits === 1 ? new Promise<void>((r) => setTimeout(r, 400)) : undefined);
    const res = await newClient({ timeouts: { totalMs: 300 } }).request({ method: 'POST', url: `${server.url}/v1/chat/completions`, body: {}, beforeAttempt });
    expect(res.ok).toBe(true);
    expect(log).toEqual(['token 1', 'request 1', 'token 2', 'request 2', 'token 3', 'request 3']);
  });

  it('stops after the configured retries and reports the last failure', async () => {
    const server = await serve((_req, res) => json(res, 500, { error: 'boom' }));
    const res = await newClient({ retry: { retries: 1 } }).request({ method: 'GET', url: `${server.url}/v1/models` });
    expect(res).toMatchObject({ ok: false, status: 500, failure: { kind: 'server', message: 'HTTP 500: boom' } });
    expect(server.requests).toHaveLength(2);
  });

  it('never retries a 401, and says what to check', async () => {
    const server = await serve((_req, res) => json(res, 401, { error: { message: 'Invalid API key', type: 'invalid_request_error', code: 'invalid_api_key' } }));
    const res = await newClient().request({ method: 'GET', url: `${server.url}/v1/models`, headers: { authorization: 'Bearer sk-test-0000secret' } });
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.headers.authorization).toBe('Bearer sk-test-0000secret');
    expect(res.failure).toMatchObject({ kind: 'auth', status: 401, code: 'invalid_api_key' });
    expect(res.failure?.hint).toContain('/v1');
    expect(JSON.stringify(res)).not.toContain('sk-test-0000secret');
  });

  it('waits as long as a 429 Retry-After asks', async () => {
    const server = await serve((_req, res, n) => (n === 1 ? json(res, 429, { error: 'slow down' }, { 'retry-after': '1' }) : json(res, 200, completion)));
    const started = Date.now();
    const res = await newClient().request({ method: 'GET', url: `${server.url}/v1/models` });
    const elapsed = Date.now() - started;
    expect(res.ok).toBe(true);
    expect(res.attempts[0]).toMatchObject({ status: 429, retryAfterMs: 1000, failure: { kind: 'rate_limit' } });
    expect(elapsed).toBeGreaterThanOrEqual(950);
    expect(elapsed).toBeLessThan(2500);
  });

  it('does not wait for a Retry-After beyond the total timeout', async () => {
    const server = await serve((_req, res) => json(res, 429, { error: 'slow down' }, { 'retry-after': '5' }));
    const started = Date.now();
    const res = await newClient({ timeouts: { totalMs: 2000 } }).request({ method: 'GET', url: `${server.url}/v1/models` });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(server.requests).toHaveLength(1);
    expect(res.failure?.kind).toBe('rate_limit');
  });

  it('retries a connection reset', async () => {
    const server = await serve((req, res, n) => (n === 1 ? req.socket.destroy() : json(res, 200, completion)));
    const res = await newClient().request({ method: 'POST', url: `${server.url}/v1/chat/completions`, body: {} });
    expect(res.ok).toBe(true);
    expect(server.requests).toHaveLength(2);
    expect(res.attempts[0]!.failure).toMatchObject({ kind: 'network' });
    expect(res.attempts[0]!.failure?.message).toContain(`127.0.0.1:${server.port}`);
  });

  it('reports a refused connection as a network failure without throwing', async () => {
    const server = await startServer(() => undefined);
    const url = `${server.url}/v1/models`;
    await server.close();
    const res = await newClient({ retry: { retries: 0 } }).request({ method: 'GET', url });
    expect(res).toMatchObject({ ok: false, failure: { kind: 'network', code: 'ECONNREFUSED' } });
    expect(res.failure?.hint).toContain('host and port');
  });
});
