// HTTP(S)_PROXY and NO_PROXY, through a tiny forward proxy that counts what passes through it.
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ProbeClient } from '../../src/core/http/client.js';
import { proxySettings } from '../../src/core/http/dispatcher.js';
import { selfSignedCert } from '../helpers/tls.js';
import { completion, json, startServer, type TestServer } from './server.js';

interface ForwardProxy {
  url: string;
  /** CONNECT targets and absolute-form request URLs seen, in order. */
  seen: string[];
  close(): Promise<void>;
}

async function startProxy(): Promise<ForwardProxy> {
  const seen: string[] = [];
  const sockets = new Set<net.Socket>();
  const proxy = http.createServer((req, res) => {
    // Absolute-form forwarding (GET http://host/path).
    seen.push(req.url ?? '');
    const target = new URL(req.url ?? '');
    const upstream = http.request(target, { method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    req.pipe(upstream);
  });
  proxy.on('connection', (s) => sockets.add(s));
  proxy.on('connect', (req, client, head) => {
    seen.push(`CONNECT ${req.url}`);
    const [host, port] = (req.url ?? '').split(':');
    const upstream = net.connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        sockets.forEach((s) => s.destroy());
        proxy.close(() => resolve());
      }),
  };
}

interface TlsServer {
  url: string;
  /** The self-signed certificate the client must be told to trust. */
  cert: string;
  /** Requests received, as `METHOD /path`. */
  requests: string[];
  close(): Promise<void>;
}

/** An HTTPS server on 127.0.0.1 with a throwaway self-signed certificate. */
async function startTlsServer(): Promise<TlsServer> {
  const { key, cert } = selfSignedCert('migrate-proxy-tls-');
  const requests: string[] = [];
  const tlsServer = https.createServer({ key, cert }, (req, res) => {
    requests.push(`${req.method} ${req.url}`);
    json(res, 200, completion);
  });
  await new Promise<void>((resolve) => tlsServer.listen(0, '127.0.0.1', resolve));
  return {
    url: `https://127.0.0.1:${(tlsServer.address() as AddressInfo).port}`,
    cert,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        tlsServer.closeAllConnections();
        tlsServer.close(() => resolve());
      }),
  };
}

let server: TestServer | undefined;
let tlsServer: TlsServer | undefined;
let proxy: ForwardProxy | undefined;
let client: ProbeClient | undefined;
afterEach(async () => {
  await client?.close();
  await proxy?.close();
  await server?.close();
  await tlsServer?.close();
  client = server = proxy = tlsServer = undefined;
});

const get = (env: NodeJS.ProcessEnv, url: string) => (client = new ProbeClient({ processEnv: env, retry: { retries: 0 } })).request({ method: 'GET', url });

describe('ProbeClient behind a proxy', () => {
  it('sends requests through HTTP_PROXY', async () => {
    server = await startServer((_req, res) => json(res, 200, completion));
    proxy = await startProxy();
    const res = await get({ HTTP_PROXY: proxy.url }, `${server.url}/v1/models`);
    expect(res.ok).toBe(true);
    expect(proxy.seen).toHaveLength(1);
    expect(proxy.seen[0]).toContain(`127.0.0.1:${server.port}`);
    expect(server.requests).toHaveLength(1);
  });

  it('reaches an https:// provider through HTTPS_PROXY with a CONNECT tunnel, TLS end to end', async () => {
    tlsServer = await startTlsServer();
    proxy = await startProxy();
    const port = new URL(tlsServer.url).port;
    client = new ProbeClient({ processEnv: { HTTPS_PROXY: proxy.url }, ca: tlsServer.cert, retry: { retries: 0 } });
    const res = await client.request({ method: 'GET', url: `${tlsServer.url}/v1/models` });
    expect(res.failure).toBeUndefined();
    expect(res.ok).toBe(true);
    // The proxy only saw the tunnel's target, never the request inside it.
    expect(proxy.seen).toEqual([`CONNECT 127.0.0.1:${port}`]);
    expect(tlsServer.requests).toEqual(['GET /v1/models']);
  });

  it('honours lower-case http_proxy, and NO_PROXY bypasses the proxy', async () => {
    server = await startServer((_req, res) => json(res, 200, completion));
    proxy = await startProxy();
    const res = await get({ http_proxy: proxy.url, NO_PROXY: 'example.com,127.0.0.1' }, `${server.url}/v1/models`);
    expect(res.ok).toBe(true);
    expect(proxy.seen).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });

  it('ignores the process environment when given its own', async () => {
    server = await startServer((_req, res) => json(res, 200, completion));
    proxy = await startProxy();
    process.env.HTTP_PROXY = proxy.url;
    try {
      expect((await get({}, `${server.url}/v1/models`)).ok).toBe(true);
    } finally {
      delete process.env.HTTP_PROXY;
    }
    expect(proxy.seen).toEqual([]);
  });

  it('reports an unreachable proxy as a network failure', async () => {
    server = await startServer((_req, res) => json(res, 200, completion));
    const res = await get({ HTTPS_PROXY: 'http://127.0.0.1:1', HTTP_PROXY: 'http://127.0.0.1:1' }, `${server.url}/v1/models`);
    expect(res).toMatchObject({ ok: false, failure: { kind: 'network' } });
    expect(server.requests).toHaveLength(0);
  });

  it('reads lower case before upper case and ignores empty values', () => {
    expect(proxySettings({ https_proxy: 'http://a:1', HTTPS_PROXY: 'http://b:2', HTTP_PROXY: ' ', no_proxy: 'x' })).toEqual({
      httpProxy: undefined,
      httpsProxy: 'http://a:1',
      noProxy: 'x',
    });
  });
});

describe('failures behind a proxy', () => {
  it('name the proxy and point at the proxy settings', async () => {
    const res = await get({ HTTP_PROXY: 'http://127.0.0.1:1' }, 'http://relay.example:8080/v1/models');
    expect(res.failure?.message).toContain('127.0.0.1:1');
    expect(res.failure?.hint).toContain('HTTP_PROXY');
  });
});
