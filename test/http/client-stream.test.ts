// Streaming chat completions: events, time to first token, [DONE], and broken streams.
import type http from 'node:http';
import { describe, expect, it } from 'vitest';
import { json, sseChunk } from './server.js';
import { newClient, serve } from './rig.js';

const stream = (url: string) => newClient().request({ method: 'POST', url: `${url}/v1/chat/completions`, body: { stream: true }, stream: true });
const sse = (res: http.ServerResponse) => res.writeHead(200, { 'content-type': 'text/event-stream' });
const roleChunk = `data: ${JSON.stringify({ choices: [{ index: 0, delta: { role: 'assistant', content: '' } }] })}\n\n`;

describe('ProbeClient streams', () => {
  it('collects every event through [DONE] and times the first token, not the first byte', async () => {
    const server = await serve((_req, res) => {
      sse(res);
      res.write(': keep-alive\n\n' + roleChunk);
      // 300 ms for a gap of at least 100: a loaded machine may read the head late (one CI run read it 26 ms late).
      setTimeout(() => res.end(sseChunk('Hi') + sseChunk('!') + 'data: [DONE]\n\n'), 300);
    });
    const res = await stream(server.url);
    expect(res).toMatchObject({ ok: true, done: true });
    expect(res.events!.map((e) => e.data)).toHaveLength(4);
    expect(res.events!.at(-1)!.data).toBe('[DONE]');
    expect(server.requests[0]!.headers.accept).toBe('text/event-stream');
    const { ttfbMs, ttftMs, totalMs } = res.timings;
    expect(ttftMs! - ttfbMs!).toBeGreaterThanOrEqual(100);
    expect(ttftMs!).toBeLessThanOrEqual(totalMs);
    expect(res.events![0]!.atMs).toBeLessThan(ttftMs!); // the role-only chunk carries no token
    expect(res.events![1]!.atMs).toBe(ttftMs);
  });

  it('a tool-call delta counts as the first token', async () => {
    const server = await serve((_req, res) => {
      sse(res);
      const tool = { choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: 't', function: { name: 'f', arguments: '' } }] } }] };
      res.end(roleChunk + `data: ${JSON.stringify(tool)}\n\ndata: [DONE]\n\n`);
    });
    const res = await stream(server.url);
    expect(res.timings.ttftMs).toBe(res.events![1]!.atMs);
  });

  it('a stream that ends without [DONE] is incomplete', async () => {
    const server = await serve((_req, res) => {
      sse(res);
      res.end(sseChunk('Hel') + sseChunk('lo'));
    });
    const res = await stream(server.url);
    expect(res).toMatchObject({ ok: false, done: false, failure: { kind: 'stream_incomplete', status: 200 } });
    expect(res.events).toHaveLength(2);
    expect(server.requests).toHaveLength(1);
  });

  it('a data line that is not JSON is a bad stream', async () => {
    const server = await serve((_req, res) => {
      sse(res);
      res.end(sseChunk('ok') + 'data: {"choices": [oops\n\ndata: [DONE]\n\n');
    });
    const res = await stream(server.url);
    expect(res.failure).toMatchObject({ kind: 'bad_stream' });
    expect(res.failure?.message).toContain('not JSON');
  });

  it('bare JSON lines without data: are a framing failure, not just incomplete', async () => {
    const server = await serve((_req, res) => {
      sse(res);
      res.end('{"choices":[{"delta":{"content":"x"}}]}\n\n');
    });
    expect((await stream(server.url)).failure).toMatchObject({ kind: 'bad_stream', code: 'sse_framing' });
  });

  it('a bare JSON line fails the stream even when a proper [DONE] follows', async () => {
    const bare = JSON.stringify({ choices: [{ index: 0, delta: { content: 'lost' } }] });
    const server = await serve((_req, res) => {
      sse(res);
      res.end(`${roleChunk}${bare}\n\n${sseChunk('!')}data: [DONE]\n\n`);
    });
    const res = await stream(server.url);
    expect(res.ok).toBe(false);
    expect(res.failure).toMatchObject({ kind: 'bad_stream', code: 'sse_framing', status: 200 });
    expect(res.failure!.message).toContain('is not a server-sent event field');
    expect(res.failure!.message).toContain('{"choices":[{"index":0');
  });

  it('comments, event, id and retry fields and blank lines are good framing', async () => {
    const server = await serve((_req, res) => {
      sse(res);
      res.end(`: ping\n\nretry: 1000\n\nid: 1\nevent: message\n${roleChunk}${sseChunk('Hi')}\n\ndata: [DONE]\n\n`);
    });
    const res = await stream(server.url);
    expect(res).toMatchObject({ ok: true, done: true });
    expect(res.events!.map((e) => e.data)).toHaveLength(3);
  });

  it('an error event inside the stream fails it', async () => {
    const server = await serve((_req, res) => {
      sse(res);
      res.end(sseChunk('a') + `data: ${JSON.stringify({ error: { message: 'upstream timeout', code: 'upstream_error' } })}\n\n`);
    });
    expect((await stream(server.url)).failure).toMatchObject({ kind: 'error_body', code: 'upstream_error' });
  });

  it('a JSON error instead of a stream is classified like any error', async () => {
    const server = await serve((_req, res) => json(res, 401, { error: { message: 'Invalid API key', code: 'invalid_api_key' } }));
    const res = await stream(server.url);
    expect(res.failure).toMatchObject({ kind: 'auth', status: 401, code: 'invalid_api_key' });
    expect(res.events).toBeUndefined();
  });

  it('a plain JSON 200 where a stream was asked for is a bad stream', async () => {
    const server = await serve((_req, res) => json(res, 200, { choices: [] }));
    expect((await stream(server.url)).failure).toMatchObject({ kind: 'bad_stream', status: 200 });
  });
});
