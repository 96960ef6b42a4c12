import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeUp } from '../../src/core/compose/commands.js';
import { containerEnv, containerIds, serviceContainers } from '../../src/core/compose/containers.js';
import { describeNotReady, waitForServices } from '../../src/core/compose/wait.js';
import { runCommand } from '../helpers/run.js';
import { composeFixture, dockerAvailable, dockerStatus, type ComposeFixture } from '../helpers/docker.js';
import { waitUntil } from '../helpers/wait.js';

const available = await dockerAvailable();

/** A provider stand-in that counts chat completions per path prefix and Authorization header. */
interface Provider {
  server: Server;
  baseUrl: string;
  posts: { path: string; auth: string }[];
}

async function startProvider(): Promise<Provider> {
  const posts: Provider['posts'] = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.method === 'POST') posts.push({ path: req.url ?? '', auth: req.headers.authorization ?? '' });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"choices":[]}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, posts, baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const legacyKey = 'sk-legacy-test-0001';
const targetKey = 'sk-target-test-0002';

describe.skipIf(!available)('compose against real docker', () => {
  let provider: Provider;
  let fx: ComposeFixture;
  const count = (prefix: string, key: string) => provider.posts.filter((p) => p.path.startsWith(prefix) && p.auth === `Bearer ${key}`).length;

  beforeAll(async () => {
    provider = await startProvider();
    fx = await composeFixture({ OPENAI_BASE_URL: `${provider.baseUrl}/legacy/v1`, OPENAI_API_KEY: legacyKey, LLM_TARGET_WEIGHT: '0' });
    await fx.mustRun(composeUp(fx.project, ['app', 'worker']));
  });

  afterAll(async () => {
    await fx?.down();
    provider?.server.close();
  });

  it('uses the installed Compose (v2 preferred, v1 on Debian 12)', async () => {
    const { compose } = await dockerStatus();
    const v2 = await runCommand({ argv: ['docker', 'compose', 'version'], kind: 'read' }).catch(() => undefined);
    expect(compose?.flavor).toBe(v2?.exitCode === 0 ? 'v2' : 'v1');
    expect(compose?.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('waits until the app is healthy and the worker running; the app sends to its provider', async () => {
    const result = await waitForServices(fx.project, ['app', 'worker'], { timeoutMs: 30_000, intervalMs: 300 });
    expect(describeNotReady(result)).toEqual([]);
    expect(result.ready).toBe(true);
    expect(result.services.find((s) => s.service === 'app')?.containers[0]?.health?.status).toBe('healthy');
    expect(count('/legacy/v1/chat/completions', legacyKey)).toBeGreaterThan(0);
  }, 60_000);

  it('--dry-run does not recreate anything', async () => {
    const before = await containerIds(fx.project, ['app', 'worker']);
    const result = await runCommand(composeUp(fx.project, ['app']), { dryRun: true });
    expect(result.skipped).toBe(true);
    expect(await containerIds(fx.project, ['app', 'worker'])).toEqual(before);
  }, 60_000);

  it('up recreates only the named service, which then runs with the new env file', async () => {
    const before = await serviceContainers(fx.project, ['app', 'worker']);
    const worker = before.find((c) => c.service === 'worker')!;
    const oldApp = before.find((c) => c.service === 'app')!;
    await fx.writeEnv({ OPENAI_BASE_URL: `${provider.baseUrl}/target/v1`, OPENAI_API_KEY: targetKey, LLM_TARGET_WEIGHT: '100' });

    await fx.mustRun(composeUp(fx.project, ['app']));
    const result = await waitForServices(fx.project, ['app'], { timeoutMs: 30_000, intervalMs: 300 });
    expect(describeNotReady(result)).toEqual([]);

    const after = await serviceContainers(fx.project, ['app', 'worker']);
    const newApp = after.find((c) => c.service === 'app')!;
    expect(newApp.id).not.toBe(oldApp.id);
    expect(after.find((c) => c.service === 'worker')).toMatchObject({ id: worker.id, startedAt: worker.startedAt, status: 'running' });
    expect(await containerEnv(newApp.id, process.env)).toMatchObject({ OPENAI_BASE_URL: `${provider.baseUrl}/target/v1`, OPENAI_API_KEY: targetKey });
    expect(await containerEnv(worker.id, process.env)).toMatchObject({ OPENAI_BASE_URL: `${provider.baseUrl}/legacy/v1`, OPENAI_API_KEY: legacyKey });

    // Traffic moved: the target gets requests and the legacy provider stops getting them.
    await waitUntil('requests at the target', () => count('/target/v1/chat/completions', targetKey) >= 3);
    const legacyNow = count('/legacy', legacyKey);
    await new Promise((r) => setTimeout(r, 1000));
    expect(count('/legacy', legacyKey)).toBe(legacyNow);
  }, 90_000);

  it('reports a service with no container at the deadline', async () => {
    const result = await waitForServices(fx.project, ['crasher'], { timeoutMs: 1500, intervalMs: 300 });
    expect(result).toMatchObject({ ready: false, timedOut: true });
    expect(describeNotReady(result)).toEqual(['crasher: no container']);
  }, 30_000);

  it('reports a service that exits at once, with its exit code, long before the deadline', async () => {
    await fx.mustRun(composeUp(fx.project, ['crasher']));
    const result = await waitForServices(fx.project, ['crasher'], { timeoutMs: 60_000, intervalMs: 300 });
    expect(result).toMatchObject({ ready: false, timedOut: false });
    expect(describeNotReady(result)).toEqual(['crasher: exited with code 3']);
    expect(result.elapsedMs).toBeLessThan(15_000);
  }, 60_000);
});
