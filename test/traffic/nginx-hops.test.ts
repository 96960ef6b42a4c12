// Node failover across hosts, against a real nginx (Debian package): target's two nodes live on
// different loopback "hosts" (127.0.0.1 and 127.0.0.2) with different keys and headers, so each
// is reached through its own hop. The fake providers assert the Host and key each received; a
// node killed mid-run costs the app no request, and the access log names the dead node.
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countByProvider } from '../../src/core/gateway/access-log.js';
import { nodeMap } from '../../src/core/gateway/traffic-stats.js';
import { renderLocation, renderNginxInclude } from '../../src/core/traffic/nginx-render.js';
import { startFakeProvider, type FakeProvider } from '../helpers/fake-provider.js';
import { appAgent, postThrough, startNginx, type NginxRig } from '../helpers/nginx.js';
import { runCli, tempProject } from '../helpers/cli.js';
import { dockerAvailable } from '../helpers/docker.js';
import { waitUntil } from '../helpers/wait.js';

const hasDocker = await dockerAvailable();
const CHAT = '{"model":"gpt-4.1","messages":[{"role":"user","content":"hi"}]}';

let legacy: FakeProvider;
let east: FakeProvider;
let west: FakeProvider;
let rig: NginxRig;
let logDir: string;
let logFile: string;
let eastClosed: Promise<void> | undefined;
let providers: Parameters<typeof renderNginxInclude>[0]['providers'];

beforeAll(async () => {
  legacy = await startFakeProvider({ name: 'legacy' });
  east = await startFakeProvider({ name: 'east', apiKey: 'sk-target-east-0000000000000001' });
  // Another host, key and header than the provider's base URL: it could not share east's upstream.
  west = await startFakeProvider({ name: 'west', host: '127.0.0.2', apiKey: 'sk-target-west-0000000000000002' });
  logDir = tempProject('migrate-hops-');
  logFile = path.join(logDir, 'access.json');
  providers = {
    legacy: { baseUrl: legacy.url, apiKey: legacy.apiKey },
    target: {
      baseUrl: east.url,
      apiKey: east.apiKey,
      headers: { 'X-Tenant': 'acme' },
      nodes: [
        { id: 'east', baseUrl: east.url },
        { id: 'west', baseUrl: west.url, apiKey: west.apiKey, headers: { 'X-Tenant': 'acme-west' } },
      ],
    },
  };
  const include = renderNginxInclude({ environment: 'canary', weight: 100, splitKey: '$request_id', providers });
  rig = await startNginx({ include, server: renderLocation('canary', ['X-Tenant'], { accessLog: logFile, tries: 2 }) });
}, 30_000);

afterAll(async () => {
  await rig?.stop();
  appAgent.destroy();
  await Promise.all([legacy?.close(), eastClosed ?? east?.close(), west?.close()]);
});

const nodes = () => ({ legacy: nodeMap('legacy', providers.legacy, 'canary'), target: nodeMap('target', providers.target, 'canary') });
const chats = (p: FakeProvider) => p.requests.filter((r) => r.path === '/v1/chat/completions');

/** n requests, `concurrency` in flight, calling `after(i)` when the i-th answer arrives. */
async function send(n: number, concurrency: number, after?: (done: number) => Promise<void> | void): Promise<number[]> {
  const statuses: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < n) {
        statuses.push(await postThrough(`${rig.url}/v1/chat/completions`, CHAT));
        await after?.(statuses.length);
      }
    }),
  );
  return statuses;
}

describe('nginx include: failover across hosts through per-node hops', () => {
  it('the primary node takes every request with its own Host and key; the other is a backup', async () => {
    const statuses = await send(20, 4);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    expect(chats(east)).toHaveLength(20);
    expect(chats(east).every((r) => r.authorized && r.host === `127.0.0.1:${east.port}`)).toBe(true);
    expect(chats(west)).toHaveLength(0);
    expect(legacy.requests).toHaveLength(0);
  });

  it('a node killed mid-run: every request is answered by the other node, with its Host and key; the log names the dead node', async () => {
    const statuses = await send(80, 4, (done) => {
      if (done === 20) eastClosed = east.close();
    });
    await eastClosed;
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    const atWest = chats(west);
    expect(atWest.length).toBeGreaterThanOrEqual(55);
    expect(atWest.every((r) => r.authorized && r.host === `127.0.0.2:${west.port}` && r.status === 200)).toBe(true);
    // The log is written just after each answer: wait for all 100 lines.
    await waitUntil('the access log to hold 100 requests', async () => (await countByProvider(logFile, nodes()))?.target?.requests === 100, { everyMs: 50, timeoutMs: 5000 });
    const counts = (await countByProvider(logFile, nodes()))!;
    expect(counts.target!.errors).toBe(0);
    const { east: e, west: w } = counts.target!.nodes;
    expect(Object.keys(counts.target!.nodes).sort()).toEqual(['east', 'west']);
    // East's failures after the kill were failed over within the request; west answered them.
    expect(e!.failovers).toBeGreaterThanOrEqual(1);
    expect(e!.errors).toBe(e!.failovers);
    expect(e!.requests - e!.errors).toBe(chats(east).filter((r) => r.status === 200).length);
    expect(w).toEqual({ requests: atWest.length, errors: 0, failovers: 0 });
    // Each line names the node that answered, for a person reading the log.
    const lines = (await readFile(logFile, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { node: string; upstream: string });
    expect(lines.filter((l) => l.node === 'west')).toHaveLength(atWest.length);
    expect(lines.filter((l) => l.node === 'east')).toHaveLength(100 - atWest.length);
    expect(lines.filter((l) => l.upstream.includes(', ')).every((l) => l.node === 'west')).toBe(true);
  });

  it.skipIf(!hasDocker)(
    '`migrate gateway status` shows per node the tries, errors and failovers from the log (text and --json)',
    async () => {
      const target = providers.target;
      const dir = tempProject('migrate-hops-status-', {
        'migrate.yaml': [
          'version: 1',
          'providers:',
          `  legacy: { baseUrl: "${legacy.url}", apiKey: "\${LEGACY_KEY}" }`,
          `  target: { baseUrl: "${target.baseUrl}", apiKey: "\${TARGET_KEY}", headers: { X-Tenant: acme }, nodes: [{ id: east, baseUrl: "${east.url}" }, { id: west, baseUrl: "${west.url}", apiKey: "\${WEST_KEY}", headers: { X-Tenant: acme-west } }] }`,
          'models: [gpt-4.1]',
          'environments:',
          '  canary:',
          '    envFiles: [.env]',
          `    compose: { files: [docker-compose.yml], projectName: migrate-hops-status-${process.pid} }`,
          `    traffic: { driver: nginx, file: split.conf, service: llm-gateway, accessLog: "${logFile}", gateway: true }`,
          '',
        ].join('\n'),
        '.env': 'OPENAI_BASE_URL=http://127.0.0.1:1/v1\n',
        'docker-compose.yml': 'version: "2.4"\nservices:\n  llm-gateway:\n    image: migrate-nginx:latest\n',
      });
      const env = { LEGACY_KEY: legacy.apiKey, TARGET_KEY: target.apiKey, WEST_KEY: west.apiKey };
      // Both at once: each runs `docker-compose ps`, which takes seconds.
      const [text, json] = await Promise.all([
        runCli(['gateway', 'status', '--env', 'canary'], { cwd: dir, env }),
        runCli(['gateway', 'status', '--env', 'canary', '--json'], { cwd: dir, env }),
      ]);
      expect(text.exitCode, text.stderr).toBe(0);
      const counts = (await countByProvider(logFile, nodes()))!.target!;
      const e = counts.nodes.east!;
      expect(text.stdout).toContain(
        `  target: 100 requests, 0 errors\n    node east: ${e.requests} tries, ${e.errors} errors (${e.failovers} failed over)\n    node west: ${counts.nodes.west!.requests} tries, 0 errors`,
      );
      expect(json.exitCode, json.stderr).toBe(0);
      expect(JSON.parse(json.stdout).requests.target).toEqual(counts);
      for (const out of [text.stdout, text.stderr, json.stdout]) for (const key of [east.apiKey, west.apiKey, legacy.apiKey]) expect(out).not.toContain(key);
    },
    60_000,
  );

  it('streams through the hop unbuffered, and the answer still says which provider served it', async () => {
    west.setFaults({ latency: { chunkDelayMs: 80 } });
    try {
      const { provider, firstChunkMs, totalMs, chunks } = await new Promise<{ provider: string; firstChunkMs: number; totalMs: number; chunks: number }>((resolve, reject) => {
        const started = Date.now();
        let first = 0;
        let chunks = 0;
        const body = JSON.stringify({ model: 'gpt-4.1', stream: true, messages: [{ role: 'user', content: 'hi' }] });
        const req = http.request(
          `${rig.url}/v1/chat/completions`,
          { method: 'POST', agent: appAgent, headers: { authorization: 'Bearer app-key', 'content-type': 'application/json' } },
          (res) => {
            res.on('data', () => {
              chunks++;
              first ||= Date.now() - started;
            });
            res.on('end', () => resolve({ provider: String(res.headers['x-migrate-provider']), firstChunkMs: first, totalMs: Date.now() - started, chunks }));
          },
        );
        req.on('error', reject);
        req.end(body);
      });
      expect(provider).toBe('target');
      expect(chunks).toBeGreaterThan(2);
      // Buffered, the first byte would come with the last.
      expect(totalMs - firstChunkMs).toBeGreaterThanOrEqual(160);
    } finally {
      west.resetFaults();
    }
  });
});
