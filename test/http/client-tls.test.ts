// HTTPS: TLS timing on a new connection, none on reuse, and a certificate the client does not trust.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProbeClient } from '../../src/core/http/client.js';
import { tempProject } from '../helpers/project.js';
import { completion } from './server.js';

let dir: string;
let cert: string;
let server: https.Server;
let url: string;
let connections = 0;

beforeAll(async () => {
  dir = tempProject('migrate-tls-');
  // A throwaway self-signed certificate for 127.0.0.1 (openssl ships with Debian).
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-keyout',
      path.join(dir, 'key.pem'),
      '-out',
      path.join(dir, 'cert.pem'),
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ],
    { stdio: 'ignore' },
  );
  cert = readFileSync(path.join(dir, 'cert.pem'), 'utf8');
  server = https.createServer({ key: readFileSync(path.join(dir, 'key.pem')), cert }, (_req, res) => {
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
    const client = new ProbeClient({ env: {}, ca: cert });
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
    const client = new ProbeClient({ env: {} });
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
