// The include's shadow mirror and its njs model rewrite on a real nginx (Debian's, with
// libnginx-mod-http-js) in front of two fake providers: what the app gets, what each provider
// receives (model names, keys), and what the access log says the gates will judge.
import http from 'node:http';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { gatewaySource } from '../../src/core/gates/sources/gateway.js';
import { nodeMap } from '../../src/core/gateway/traffic-stats.js';
import { NJS_BODY, NJS_FILE, NJS_IMPORT, NJS_MIRROR_BODY, NJS_MODULE, renderLocation, renderNginxInclude, type NginxRenderInput } from '../../src/core/traffic/nginx-render.js';
import { NJS_SOURCE } from '../../src/core/traffic/njs-models.js';
import { startFakeProvider, type FakeProvider } from '../helpers/fake-provider.js';
import { appAgent, startNginx, type NginxRig } from '../helpers/nginx.js';
import { waitUntil } from '../helpers/wait.js';
import { tempProject } from '../helpers/project.js';

const HAS_NJS = existsSync(NJS_MODULE);
const TARGET_MODEL = 'relay/gpt-4.1';

let legacy: FakeProvider;
let target: FakeProvider;
let rig: NginxRig;
let dir: string;
let logFile: string;
let providers: NginxRenderInput['providers'];

beforeAll(async () => {
  legacy = await startFakeProvider({ name: 'legacy' });
  target = await startFakeProvider({ name: 'target', models: [TARGET_MODEL, 'gpt-4o'] });
  dir = tempProject('migrate-shadow-');
  logFile = path.join(dir, 'access.json');
  providers = {
    legacy: { baseUrl: legacy.url, apiKey: legacy.apiKey },
    target: { baseUrl: target.url, apiKey: target.apiKey, models: { 'gpt-4.1': TARGET_MODEL, 'gpt-4o': 'gpt-4o' } },
  };
  await writeFile(path.join(dir, NJS_FILE), NJS_SOURCE);
  rig = await startNginx({
    include: include(0, 0),
    main: HAS_NJS ? `load_module ${NJS_MODULE};` : '',
    http: HAS_NJS
      ? [`js_import ${NJS_IMPORT} from ${path.join(dir, NJS_FILE)};`, `js_set $${NJS_BODY} ${NJS_IMPORT}.body;`, `js_set $${NJS_MIRROR_BODY} ${NJS_IMPORT}.mirrorBody;`].join('\n')
      : '',
    server: renderLocation('canary', [], { accessLog: logFile, models: HAS_NJS }),
  });
}, 30_000);

afterEach(() => {
  legacy.resetFaults();
  target.resetFaults();
});

afterAll(async () => {
  await rig?.stop();
  appAgent.destroy();
  await legacy?.close();
  await target?.close();
});

function include(weight: number, mirror: number): string {
  const text = renderNginxInclude({ environment: 'canary', weight, mirror, splitKey: '$request_id', providers });
  // Without njs the include's model map is there but unused (the location has no model lines).
  return text;
}

/** Rewrites the include in place and reloads, as the driver does; waits until new workers route. */
async function route(weight: number, mirror: number): Promise<void> {
  await writeFile(rig.includeFile, include(weight, mirror));
  const { spawnSync } = await import('node:child_process');
  const reload = spawnSync('/usr/sbin/nginx', [...rig.args, '-s', 'reload'], { encoding: 'utf8' });
  expect(reload.status, reload.stderr).toBe(0);
  await new Promise((r) => setTimeout(r, 600)); // the driver's settle: old workers finish
}

interface Answer {
  status: number;
  provider: string;
  /** The fake provider that really answered (its x-fake-provider header). */
  answeredBy: string;
}

function chat(body: object, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${rig.url}/v1/chat/completions`,
      { method: 'POST', agent: appAgent, headers: { authorization: 'Bearer app-key', 'content-type': 'application/json', ...headers } },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, provider: String(res.headers['x-migrate-provider']), answeredBy: String(res.headers['x-fake-provider']) }));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

async function send(n: number, body: object = { model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }] }): Promise<Answer[]> {
  const answers: Answer[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next++ < n) answers.push(await chat(body));
    }),
  );
  return answers;
}

type Measurement = Extract<Awaited<ReturnType<ReturnType<typeof gatewaySource>['read']>>, { kind: 'measurement' }>;

/** The source's reading of the window since `from`, once the log holds what `done` expects (nginx logs after answering). */
async function readingWhen(source: ReturnType<typeof gatewaySource>, from: number, done: (r: Measurement) => boolean): Promise<Measurement> {
  let last: Measurement | undefined;
  await waitUntil(
    'the access log to hold the requests',
    async () => {
      const r = await source.read({ environment: 'canary', stageIndex: 0, weight: 0, from, to: Date.now() + 1000 });
      if (r.kind !== 'measurement') throw new Error(JSON.stringify(r));
      last = r;
      return done(r);
    },
    { timeoutMs: 5000, everyMs: 50 },
  );
  return last!;
}

const chats = (p: FakeProvider) => p.requests.filter((r) => r.path === '/v1/chat/completions');

describe('shadow stage: legacy serves everyone, target gets a sampled copy', () => {
  it('mirrors about the sampled share to target with its own key; every answer comes from legacy; the log marks the copies', async () => {
    await route(0, 30);
    const source = gatewaySource({ file: logFile, environment: 'canary', nodes: { legacy: nodeMap('legacy', providers.legacy), target: nodeMap('target', providers.target) } });
    await source.start();
    const from = Date.now();
    const legacyBefore = chats(legacy).length;
    const targetBefore = chats(target).length;
    const answers = await send(300);
    expect(answers.every((a) => a.status === 200 && a.provider === 'legacy')).toBe(true);
    expect(answers.every((a) => a.answeredBy === 'legacy')).toBe(true);
    await waitUntil('the mirrored copies to reach target', () => chats(target).length - targetBefore >= 50, { timeoutMs: 5000, everyMs: 50 });
    const mirrored = chats(target).slice(targetBefore);
    expect(chats(legacy).length - legacyBefore).toBe(300);
    // 30 % of 300 (binomial sd ≈ 8): far outside 50..130 is a broken sample, not chance.
    expect(mirrored.length).toBeGreaterThan(50);
    expect(mirrored.length).toBeLessThan(130);
    expect(mirrored.every((r) => r.authorized)).toBe(true);
    // The gates judge target on the copies, legacy on the real requests, in the same window.
    const reading = await readingWhen(source, from, (r) => r.legacy!.requests === 300 && r.target.requests === chats(target).length - targetBefore);
    expect(reading.target.errors).toBe(0);
    expect(reading.target.ttfbP50Ms).toBeDefined();
  });

  it('a failing target costs the app nothing: its errors show in the log only', async () => {
    await route(0, 100);
    target.setFaults({ error: { status: 500 } });
    const source = gatewaySource({ file: logFile, environment: 'canary', nodes: { legacy: nodeMap('legacy', providers.legacy), target: nodeMap('target', providers.target) } });
    await source.start();
    const from = Date.now();
    const answers = await send(40);
    expect(answers.filter((a) => a.status !== 200 || a.provider !== 'legacy')).toEqual([]);
    const reading = await readingWhen(source, from, (r) => r.target.requests === 40);
    expect(reading.target.errors).toBe(40);
    expect(reading.legacy!.errors).toBe(0);
  });

  it('no copies at 0 % shadow (a normal stage): target gets only its split', async () => {
    await route(0, 0);
    const before = chats(target).length;
    await send(50);
    await new Promise((r) => setTimeout(r, 200));
    expect(chats(target).length).toBe(before);
  });
});

describe.skipIf(!HAS_NJS)('model rewrite for target (njs)', () => {
  it("target receives its own model name, legacy the app's; both answer", async () => {
    await route(50, 0);
    const lBefore = chats(legacy).length;
    const tBefore = chats(target).length;
    const answers = await send(100);
    expect(answers.filter((a) => a.status !== 200)).toEqual([]);
    const toTarget = chats(target).slice(tBefore);
    const toLegacy = chats(legacy).slice(lBefore);
    expect(toTarget.length).toBeGreaterThan(20);
    expect(toLegacy.length).toBeGreaterThan(20);
    expect(new Set(toTarget.map((r) => r.model))).toEqual(new Set([TARGET_MODEL]));
    expect(new Set(toLegacy.map((r) => r.model))).toEqual(new Set(['gpt-4.1']));
    // The rest of the body is what the app sent.
    expect(toTarget.every((r) => JSON.stringify((r.body as { messages: unknown }).messages) === JSON.stringify([{ role: 'user', content: 'hi' }]))).toBe(true);
  });

  it("the shadow copy carries target's name too, and an unmapped model goes through as sent", async () => {
    await route(0, 100);
    const before = chats(target).length;
    await send(5);
    await send(5, { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] });
    await waitUntil('10 copies at target', () => chats(target).length - before >= 10, { timeoutMs: 5000, everyMs: 50 });
    expect(
      chats(target)
        .slice(before)
        .map((r) => r.model)
        .sort(),
    ).toEqual([...Array(5).fill('gpt-4o'), ...Array(5).fill(TARGET_MODEL)]);
  });

  it('streams through the rewrite: chunks arrive before the completion ends', async () => {
    await route(100, 0);
    target.setFaults({ latency: { chunkDelayMs: 80 } });
    const firstChunk = await new Promise<{ first: number; end: number; text: string }>((resolve, reject) => {
      const started = Date.now();
      const req = http.request(`${rig.url}/v1/chat/completions`, { method: 'POST', agent: appAgent, headers: { 'content-type': 'application/json' } }, (res) => {
        let first = 0;
        let text = '';
        res.on('data', (c: Buffer) => {
          first ||= Date.now() - started;
          text += c.toString();
        });
        res.on('end', () => resolve({ first, end: Date.now() - started, text }));
      });
      req.on('error', reject);
      req.end(JSON.stringify({ model: 'gpt-4.1', stream: true, messages: [{ role: 'user', content: 'hi' }] }));
    });
    expect(firstChunk.text).toContain('data: [DONE]');
    expect(firstChunk.end - firstChunk.first).toBeGreaterThan(150);
    expect(chats(target).at(-1)?.model).toBe(TARGET_MODEL);
  });
});
