// What the fake lets tests and Prometheus observe: the request log and counts, /metrics in
// Prometheus text format, /health, and the /_fake control endpoints.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider } from '../helpers/fake-provider.js';

const PROMTOOL = '/usr/bin/promtool';
let fake: FakeProvider;
let origin: string;

beforeAll(async () => {
  fake = await startFakeProvider({ name: 'obs', apiKey: 'sk-obs-test-0000' });
  origin = fake.url.replace(/\/v1$/, '');
});
afterAll(() => fake.close());

function chat(stream = false, key = fake.apiKey): Promise<Response> {
  return fetch(`${fake.url}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4o-mini', stream, messages: [{ role: 'user', content: 'hi' }] }),
  });
}

function promtoolCheck(text: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = execFile(PROMTOOL, ['check', 'metrics'], (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr }));
    child.stdin!.end(text);
  });
}

describe('observing the fake provider', () => {
  it('logs and counts requests by path, model, stream and status', async () => {
    fake.resetCounts();
    await (await chat()).text();
    await (await chat(true)).text();
    await (await chat(false, 'sk-someone-else-1111')).text();
    await (await fetch(`${origin}/health`)).json();
    expect(fake.count()).toBe(4);
    expect(fake.count({ path: '/v1/chat/completions' })).toBe(3);
    expect(fake.count({ path: '/v1/chat/completions', status: 200 })).toBe(2);
    expect(fake.count({ stream: true })).toBe(1);
    expect(fake.count((r) => r.model === 'gpt-4o-mini' && !r.authorized)).toBe(1);
    const [first] = fake.requests;
    expect(first).toMatchObject({ method: 'POST', model: 'gpt-4o-mini', stream: false, auth: 'Bearer sk-…0000', status: 200 });
    expect(first!.body).toMatchObject({ messages: [{ role: 'user', content: 'hi' }] });
    fake.resetCounts();
    expect(fake.count()).toBe(0);
  });

  it('keeps at most the last 4 characters of a key in the log', async () => {
    fake.resetCounts();
    await (await chat(false, 'short')).text();
    await (await chat(false, 'sk-proj-abcdefghijklmnop-wxyz')).text();
    expect(fake.requests.map((r) => r.auth)).toEqual(['Bearer …', 'Bearer sk-…wxyz']);
  });

  it('names itself in the x-fake-provider header and answers /health', async () => {
    const res = await fetch(`${origin}/health`);
    expect(res.headers.get('x-fake-provider')).toBe('obs');
    expect(await res.json()).toEqual({ status: 'ok', name: 'obs' });
  });

  it('exposes counters and a latency histogram in Prometheus text format', async () => {
    await (await chat()).text();
    fake.setFaults({ error: { firstN: 1, status: 503 } });
    await (await chat()).text();
    fake.resetFaults();
    const res = await fetch(`${origin}/metrics`);
    expect(res.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    const text = await res.text();
    const lines = text.trimEnd().split('\n');
    expect(lines).toContain('# TYPE fake_requests_total counter');
    expect(lines).toContain('# TYPE fake_request_duration_seconds histogram');
    expect(text).toMatch(/^fake_requests_total\{path="\/v1\/chat\/completions",status="200"\} [1-9]\d*$/m);
    expect(text).toMatch(/^fake_requests_total\{path="\/v1\/chat\/completions",status="503"\} 1$/m);
    const chatCount = Number(/^fake_request_duration_seconds_count\{path="\/v1\/chat\/completions"\} (\d+)$/m.exec(text)![1]);
    const inf = Number(/^fake_request_duration_seconds_bucket\{path="\/v1\/chat\/completions",le="\+Inf"\} (\d+)$/m.exec(text)![1]);
    expect(inf).toBe(chatCount);
    const buckets = [...text.matchAll(/^fake_request_duration_seconds_bucket\{path="\/v1\/chat\/completions",le="[^"]+"\} (\d+)$/gm)].map((m) => Number(m[1]));
    expect(buckets).toEqual([...buckets].sort((a, b) => a - b));
    expect(lines.every((l) => l.startsWith('#') || /^[a-z_]+(\{[^}]*\})? [0-9.e+-]+$/.test(l))).toBe(true);
  });

  it.runIf(existsSync(PROMTOOL))('passes promtool check metrics', async () => {
    await (await chat()).text();
    const result = await promtoolCheck(await (await fetch(`${origin}/metrics`)).text());
    expect(result).toEqual({ code: 0, output: '' });
  });

  it('lets another process switch faults and read counts through /_fake', async () => {
    fake.resetCounts();
    const post = await fetch(`${origin}/_fake/faults`, { method: 'POST', body: JSON.stringify({ error: { status: 500 } }) });
    expect(await post.json()).toEqual({ error: { status: 500 } });
    expect((await chat()).status).toBe(500);
    const stats = await (await fetch(`${origin}/_fake/stats`)).json();
    expect(stats).toMatchObject({ name: 'obs', total: 1, byPath: { '/v1/chat/completions': { '500': 1 } } });
    const bad = await fetch(`${origin}/_fake/faults`, { method: 'POST', body: JSON.stringify({ eror: true }) });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toContain('eror');
    await fetch(`${origin}/_fake/faults`, { method: 'DELETE' });
    expect((await chat()).status).toBe(200);
    expect(fake.faults).toEqual({});
  });
});
