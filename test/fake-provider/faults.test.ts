// Each connection- and status-level fault, observed with raw fetch the way a probing client
// would see it.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider } from '../helpers/fake-provider.js';

let fake: FakeProvider;

beforeAll(async () => {
  fake = await startFakeProvider({ name: 'target', apiKey: 'sk-target-test-abcd' });
});
afterEach(() => {
  fake.resetFaults();
  fake.resetCounts();
});
afterAll(() => fake.close());

function chat(body: Record<string, unknown> = {}, signal?: AbortSignal): Promise<Response> {
  return fetch(`${fake.url}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${fake.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }], ...body }),
    signal,
  });
}

function stream(): Promise<Response> {
  return chat({ stream: true, stream_options: { include_usage: true } });
}

async function statuses(n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((await chat()).status);
  return out;
}

describe('fake provider faults', () => {
  it('delays replies by a fixed latency', async () => {
    fake.setFaults({ latency: 60 });
    const started = performance.now();
    expect((await chat()).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
  });

  it('draws uniform latencies from a seeded source, the same on every run', async () => {
    const run = async () => {
      fake.resetCounts();
      fake.setFaults({ seed: 7, latency: { min: 5, max: 40 } });
      const waited: number[] = [];
      for (let i = 0; i < 5; i++) {
        const started = performance.now();
        await chat();
        waited.push(performance.now() - started);
      }
      return { drawn: fake.requests.map((r) => r.delayMs), waited };
    };
    const [a, b] = [await run(), await run()];
    expect(a.drawn).toEqual(b.drawn);
    expect(a.drawn.every((ms) => ms >= 5 && ms <= 40)).toBe(true);
    expect(new Set(a.drawn.map(Math.round)).size).toBeGreaterThan(2);
    a.waited.forEach((ms, i) => expect(ms).toBeGreaterThanOrEqual(a.drawn[i]! - 1));
  });

  it('draws normal-ish latencies around the mean', async () => {
    fake.setFaults({ seed: 3, latency: { mean: 2, stddev: 1 } });
    for (let i = 0; i < 40; i++) await chat();
    const drawn = fake.requests.map((r) => r.delayMs);
    const mean = drawn.reduce((s, ms) => s + ms, 0) / drawn.length;
    expect(mean).toBeGreaterThan(1.5);
    expect(mean).toBeLessThan(2.5);
    expect(Math.min(...drawn)).toBeGreaterThanOrEqual(0);
  });

  it('fails about the configured share of requests with the status, repeatably for a seed', async () => {
    fake.setFaults({ seed: 42, error: { rate: 0.2, status: 503 } });
    const first = await statuses(100);
    const failed = first.filter((s) => s === 503).length;
    expect(failed).toBeGreaterThan(10);
    expect(failed).toBeLessThan(30);
    expect(first.every((s) => s === 200 || s === 503)).toBe(true);
    fake.setFaults({ seed: 42, error: { rate: 0.2, status: 503 } });
    expect(await statuses(100)).toEqual(first);
  });

  it('sends an OpenAI error body with the error status', async () => {
    fake.setFaults({ error: { status: 502 } });
    const res = await chat();
    expect(res.status).toBe(502);
    expect((await res.json()).error).toMatchObject({ type: 'server_error' });
  });

  it('starts failing after N requests (afterN) and fails only the first N (firstN)', async () => {
    fake.setFaults({ error: { afterN: 3 } });
    expect(await statuses(5)).toEqual([200, 200, 200, 503, 503]);
    fake.setFaults({ error: { firstN: 2, status: 500 } });
    expect(await statuses(4)).toEqual([500, 500, 200, 200]);
  });

  it('answers 429 with Retry-After and retry-after-ms', async () => {
    fake.setFaults({ rateLimit: { retryAfterSeconds: 2, retryAfterMs: 1500 } });
    const res = await chat();
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('2');
    expect(res.headers.get('retry-after-ms')).toBe('1500');
    expect((await res.json()).error.code).toBe('rate_limit_exceeded');
  });

  it('hangs until the client gives up', async () => {
    fake.setFaults({ hang: true });
    const started = performance.now();
    const error = await chat({}, AbortSignal.timeout(150)).catch((e: Error) => e);
    expect((error as Error).name).toBe('TimeoutError');
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    expect(fake.requests.at(-1)!.faults).toEqual(['hang']);
    expect(fake.requests.at(-1)!.status).toBeUndefined();
  });

  it('closes promptly while a request hangs', async () => {
    const hung = await startFakeProvider({ faults: { hang: true } });
    const pending = fetch(`${hung.url}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${hung.apiKey}`, 'content-type': 'application/json' },
      body: '{}',
    }).catch((e: Error) => e);
    while (hung.count() === 0) await new Promise((r) => setTimeout(r, 5));
    await hung.close();
    expect(await pending).toBeInstanceOf(Error);
  });

  it('pauses between stream chunks so the first token comes before the end', async () => {
    fake.setFaults({ latency: { ms: 0, chunkDelayMs: 10 } });
    const started = performance.now();
    const res = await stream();
    const reader = res.body!.getReader();
    await reader.read();
    const firstAt = performance.now() - started;
    while (!(await reader.read()).done);
    const total = performance.now() - started;
    const chunkCount = 5; // at least: role, some words, finish, usage
    expect(total - firstAt).toBeGreaterThanOrEqual((chunkCount - 1) * 10 - 5);
  });

  it('resets the connection without a response', async () => {
    fake.setFaults({ reset: true });
    const error = await chat().catch((e: Error) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect(String((error as Error & { cause?: Error }).cause)).toMatch(/socket|closed|reset/i);
  });

  it('cuts a stream mid-way and closes the socket', async () => {
    fake.setFaults({ truncateStream: { afterChunks: 3 } });
    const res = await stream();
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    let text = '';
    const error = await (async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return undefined;
        text += Buffer.from(value).toString();
      }
    })().catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect(text.match(/^data: /gm)).toHaveLength(3);
    expect(text).not.toContain('[DONE]');
  });

  it('cuts a plain body in half', async () => {
    fake.setFaults({ truncateStream: true });
    const res = await chat();
    await expect(res.text()).rejects.toThrow();
  });

  it('ends a stream without [DONE]', async () => {
    fake.setFaults({ noDone: true });
    const text = await (await stream()).text();
    expect(text).toContain('"finish_reason":"stop"');
    expect(text).not.toContain('[DONE]');
  });

  it('sends one data line that is not JSON', async () => {
    fake.setFaults({ malformedSse: true });
    const lines = (await (await stream()).text()).split('\n').filter((l) => l.startsWith('data: ') && !l.includes('[DONE]'));
    const bad = lines.filter((l) => {
      try {
        JSON.parse(l.slice(6));
        return false;
      } catch {
        return true;
      }
    });
    expect(bad).toHaveLength(1);
  });

  it('sends 200 with an error body', async () => {
    fake.setFaults({ errorBody: true });
    const res = await chat();
    expect(res.status).toBe(200);
    expect(await res.json()).toHaveProperty('error.message');
  });

  it('serves an HTML page, as a wrong base URL would', async () => {
    fake.setFaults({ html: true });
    const res = await chat();
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(await res.text()).toMatch(/^<!DOCTYPE html>/);
  });

  it('applies faults to chat completions only, unless paths say otherwise', async () => {
    fake.setFaults({ error: true });
    const models = () => fetch(`${fake.url}/models`, { headers: { authorization: `Bearer ${fake.apiKey}` } });
    expect((await models()).status).toBe(200);
    fake.setFaults({ error: { paths: ['/v1/models'] } });
    expect((await models()).status).toBe(503);
    expect((await chat()).status).toBe(200);
  });

  it('switches faults off with null and rejects unknown fault names', () => {
    fake.setFaults({ hang: true, noDone: true });
    fake.setFaults({ hang: null });
    expect(fake.faults).toEqual({ noDone: true });
    expect(() => fake.setFaults({ hnag: true } as never)).toThrow(/hnag/);
  });
});
