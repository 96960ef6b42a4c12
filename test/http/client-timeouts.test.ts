// Each timeout against a loopback server that stalls in the matching phase.
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { sseChunk } from './server.js';
import { newClient, onCleanup, serve } from './rig.js';

describe('ProbeClient timeouts', () => {
  it('headers timeout: the server never answers', async () => {
    const server = await serve(() => undefined);
    const started = Date.now();
    const res = await newClient({ retry: { retries: 0 } }).request({ method: 'GET', url: `${server.url}/v1/models`, timeouts: { headersMs: 200 } });
    expect(res.failure).toMatchObject({ kind: 'timeout', code: 'headers_timeout' });
    expect(res.failure?.message).toContain('headers timeout');
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('retries a headers timeout (it is worth another attempt)', async () => {
    const server = await serve(() => undefined);
    const res = await newClient({ retry: { retries: 1 } }).request({ method: 'GET', url: `${server.url}/v1/models`, timeouts: { headersMs: 100 } });
    expect(server.requests).toHaveLength(2);
    expect(res.attempts.map((a) => a.failure?.code)).toEqual(['headers_timeout', 'headers_timeout']);
  });

  it('body timeout: a stream goes idle after its first chunk', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(sseChunk('Hel'));
    });
    const res = await newClient({ retry: { retries: 0 } }).request({
      method: 'POST',
      url: `${server.url}/v1/chat/completions`,
      body: { stream: true },
      stream: true,
      timeouts: { bodyMs: 250 },
    });
    expect(res.failure).toMatchObject({ kind: 'timeout', code: 'body_timeout', status: 200 });
    expect(res.events).toHaveLength(1);
    expect(res.timings.ttftMs).toBeDefined();
    expect(res.timings.totalMs).toBeGreaterThanOrEqual(240);
  });

  it('a body that keeps trickling does not hit the idle timeout', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      let n = 0;
      const tick = setInterval(() => {
        if (++n <= 5) return void res.write(sseChunk(String(n)));
        clearInterval(tick);
        res.end('data: [DONE]\n\n');
      }, 60);
    });
    const res = await newClient().request({ method: 'POST', url: `${server.url}/v1/chat/completions`, stream: true, timeouts: { bodyMs: 150 } });
    expect(res.failure).toBeUndefined();
    expect(res.done).toBe(true);
    expect(res.timings.totalMs).toBeGreaterThan(300);
  });

  it('total timeout covers retries and is not retried', async () => {
    const server = await serve(() => undefined);
    const started = Date.now();
    const res = await newClient().request({ method: 'GET', url: `${server.url}/v1/models`, timeouts: { headersMs: 5000, totalMs: 300 } });
    expect(res.failure).toMatchObject({ kind: 'timeout', code: 'total_timeout' });
    expect(server.requests).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('connect timeout: a TLS handshake that never completes', async () => {
    // A TCP listener that accepts and stays silent: the TCP connect succeeds, the TLS handshake hangs.
    const silent = net.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const sockets = new Set<net.Socket>();
    silent.on('connection', (s) => sockets.add(s));
    onCleanup(() => {
      sockets.forEach((s) => s.destroy());
      silent.close();
    });
    const port = (silent.address() as AddressInfo).port;
    const res = await newClient({ retry: { retries: 0 } }).request({ method: 'GET', url: `https://127.0.0.1:${port}/v1/models`, timeouts: { connectMs: 200 } });
    expect(res.failure).toMatchObject({ kind: 'timeout', code: 'connect_timeout' });
    expect(res.timings.totalMs).toBeLessThan(1500);
  });

  it('an aborted signal rejects with its reason, at once', async () => {
    const server = await serve(() => undefined);
    const controller = new AbortController();
    const reason = new Error('user pressed Ctrl-C');
    setTimeout(() => controller.abort(reason), 100);
    const started = Date.now();
    await expect(newClient().request({ method: 'GET', url: `${server.url}/v1/models`, signal: controller.signal })).rejects.toBe(reason);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('an abort during the backoff wait rejects too', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(503, { 'retry-after': '5' });
      res.end();
    });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('stop')), 150);
    await expect(newClient().request({ method: 'GET', url: `${server.url}/v1/models`, signal: controller.signal })).rejects.toThrow('stop');
    expect(server.requests).toHaveLength(1);
  });
});
