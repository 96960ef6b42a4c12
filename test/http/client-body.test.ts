// What the client makes of response bodies, and how it reuses connections.
import { describe, expect, it } from 'vitest';
import { completion, json } from './server.js';
import { newClient, serve } from './rig.js';

describe('ProbeClient bodies', () => {
  it('sends JSON with the caller’s headers and returns the parsed body and timings', async () => {
    const server = await serve((_req, res) => json(res, 200, completion, { 'x-request-id': 'abc' }));
    const res = await newClient({ userAgent: 'migrate-test' }).request({
      method: 'POST',
      url: `${server.url}/v1/chat/completions`,
      headers: { Authorization: 'Bearer k', 'X-Extra': '1' },
      body: { model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }] },
    });
    expect(res).toMatchObject({ ok: true, status: 200, json: completion, headers: { 'x-request-id': 'abc' } });
    const got = server.requests[0]!;
    expect(JSON.parse(got.body)).toEqual({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }] });
    expect(got.headers).toMatchObject({ authorization: 'Bearer k', 'x-extra': '1', 'content-type': 'application/json', 'user-agent': 'migrate-test' });
    expect(res.timings.ttfbMs).toBeGreaterThan(0);
    expect(res.timings.totalMs).toBeGreaterThanOrEqual(res.timings.ttfbMs!);
  });

  it('reuses the kept-alive connection: only the first request has connection phases', async () => {
    const server = await serve((_req, res) => json(res, 200, completion));
    const c = newClient();
    const first = await c.request({ method: 'GET', url: `${server.url}/v1/models` });
    const second = await c.request({ method: 'GET', url: `${server.url}/v1/models` });
    expect(server.connections).toBe(1);
    expect(first.timings.connectMs).toBeGreaterThanOrEqual(0);
    expect(first.timings.dnsMs).toBe(0); // an IP literal needs no DNS
    expect(first.timings.tlsMs).toBeUndefined(); // plain HTTP
    expect(second.timings.connectMs).toBeUndefined();
    expect(second.timings.dnsMs).toBeUndefined();
  });

  it('times the DNS lookup of a host name', async () => {
    const server = await serve((_req, res) => json(res, 200, completion));
    const res = await newClient().request({ method: 'GET', url: `http://localhost:${server.port}/v1/models` });
    expect(res.ok).toBe(true);
    expect(res.timings.dnsMs).toBeGreaterThan(0);
  });

  it('cuts off a body over the size cap and drops the connection', async () => {
    let closed = false;
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 'a');
      const pump = () => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once('drain', pump);
      };
      res.on('close', () => (closed = true));
      pump();
    });
    const res = await newClient().request({ method: 'GET', url: `${server.url}/v1/models`, maxBodyBytes: 256 * 1024 });
    expect(res.failure).toMatchObject({ kind: 'too_large', status: 200 });
    expect(res.text).toBeUndefined();
    await new Promise((r) => setTimeout(r, 50));
    expect(closed).toBe(true);
    expect(server.requests).toHaveLength(1); // too_large is not retried
  });

  it('refuses a declared content-length over the cap before reading it', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(10 * 1024 * 1024) });
      res.write('{');
    });
    const res = await newClient().request({ method: 'GET', url: `${server.url}/v1/models` });
    expect(res.failure?.kind).toBe('too_large');
  });

  it('an HTML page means the base URL is wrong', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><html><title>Relay dashboard</title></html>');
    });
    const res = await newClient().request({ method: 'GET', url: `${server.url}/models` });
    expect(res).toMatchObject({ ok: false, status: 200, failure: { kind: 'html' } });
    expect(res.failure?.message).toContain('check baseUrl');
    expect(server.requests).toHaveLength(1);
  });

  it('a 200 with an error body is a failure', async () => {
    const server = await serve((_req, res) => json(res, 200, { error: { message: 'no available channel for model', code: 'model_not_available' } }));
    const res = await newClient().request({ method: 'POST', url: `${server.url}/v1/chat/completions`, body: {} });
    expect(res).toMatchObject({ ok: false, status: 200, failure: { kind: 'error_body', code: 'model_not_available' } });
    expect(res.failure?.message).toContain('no available channel');
  });

  it('a 404 on a base URL without /v1 hints at the suffix', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('404 page not found');
    });
    const res = await newClient().request({ method: 'GET', url: `${server.url}/models` });
    expect(res.failure).toMatchObject({ kind: 'client', status: 404, message: 'HTTP 404: 404 page not found' });
    expect(res.failure?.hint).toContain('/v1');
    expect(server.requests).toHaveLength(1);
  });
});

describe('requests undici refuses to send', () => {
  it('an API key with a line break fails with a hint instead of throwing', async () => {
    const server = await serve((_req, res) => json(res, 200, completion));
    const res = await newClient().request({ method: 'GET', url: `${server.url}/v1/models`, headers: { authorization: 'Bearer sk-abc\n' } });
    expect(res.failure).toMatchObject({ kind: 'client', code: 'UND_ERR_INVALID_ARG' });
    expect(res.failure?.hint).toContain('line breaks');
    expect(server.requests).toHaveLength(0);
  });
});

describe('a relay that echoes the key', () => {
  it('gets it redacted from the body text and parsed JSON', async () => {
    const server = await serve((req, res) => json(res, 200, { echoed: req.headers.authorization, choices: [] }));
    const res = await newClient().request({ method: 'GET', url: `${server.url}/v1/models`, headers: { authorization: 'Bearer hs-secret-key-123456' } });
    expect(JSON.stringify(res)).not.toContain('hs-secret-key-123456');
    expect(res.json).toEqual({ echoed: '[redacted]', choices: [] });
  });
});
