// HTTPS: TLS timing on a new connection, none on reuse, and a certificate the client does not trust.
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProbeClient } from '../../src/core/http/client.js';
import { selfSignedCert } from '../helpers/tls.js';
import { completion } from './server.js';

let cert: string;
let server: https.Server;
let url: string;
let connections = 0;

beforeAll(async () => {
  const tls = selfSignedCert();
  cert = tls.cert;
  server = https.createServer({ key: tls.key, cert }, (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(completion));
  });
  server.on('secureConnection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/v1/models`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('ProbeClient over TLS', () => {
  it('times the handshake of a new connection only', async () => {
    const client = new ProbeClient({ processEnv: {}, ca: cert });
    try {
      const before = connections;
      const first = await client.request({ method: 'GET', url });
      const second = await client.request({ method: 'GET', url });
      expect(first.ok).toBe(true);
      expect(first.timings.tlsMs).toBeGreaterThan(0);
      expect(first.timings.connectMs).toBeGreaterThanOrEqual(0);
      expect(second.timings.tlsMs).toBeUndefined();
      expect(connections - before).toBe(1);
    } finally {
      await client.close();
    }
  });

  it('an untrusted certificate is a network failure with a hint, not retried', async () => {
    const client = new ProbeClient({ processEnv: {} });
    try {
      const before = connections;
      const res = await client.request({ method: 'GET', url });
      expect(res.failure).toMatchObject({ kind: 'network', code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
      expect(res.failure?.hint).toContain('certificate');
      expect(res.attempts).toHaveLength(1);
      expect(connections - before).toBe(0);
    } finally {
      await client.close();
    }
  });
});
