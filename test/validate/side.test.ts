// What one provider's response becomes: conformance findings, an answer or an error. Samples are
// the probing client's responses for the ways relays answer, good and bad.
import { describe, expect, it } from 'vitest';
import type { Failure, ProbeResponse } from '../../src/core/http/types.js';
import { readResponse } from '../../src/core/validate/side.js';
import { chatBody, textStream } from '../openai/samples.js';

const JSON_TYPE = { 'content-type': 'application/json' };
const SSE_TYPE = { 'content-type': 'text/event-stream; charset=utf-8' };
const plain = { model: 'gpt-4o', messages: [] };
const streamed = { model: 'gpt-4o-mini', messages: [], stream: true, stream_options: { include_usage: true } };

function response(over: Partial<ProbeResponse>): ProbeResponse {
  const res: ProbeResponse = { ok: !over.failure, status: 200, headers: JSON_TYPE, timings: { totalMs: 5 }, attempts: [{ status: 200, timings: { totalMs: 5 } }], ...over };
  return res;
}

const streamOf = (events = textStream(), failure?: Failure) =>
  response({ headers: SSE_TYPE, events: events.map((e) => ({ ...e, atMs: 1 })), done: events.some((e) => e.data === '[DONE]'), ...(failure ? { failure } : {}) });

const read = (body: Record<string, unknown>, res: ProbeResponse) => readResponse(body, res).side;
const rules = (body: Record<string, unknown>, res: ProbeResponse) => read(body, res).findings.map((f) => `${f.severity} ${f.rule}`);

describe('a non-streamed body', () => {
  it('good: an official-shaped body is answered with no findings', () => {
    const side = read(plain, response({ json: chatBody() }));
    expect(side).toMatchObject({ status: 'pass', findings: [], answer: { content: 'Hello!' } });
  });

  it('response.html: an HTML page instead of JSON', () => {
    const failure: Failure = { kind: 'html', status: 200, message: 'the base URL serves an HTML page, not the API: check baseUrl (it usually ends in /v1)' };
    const res = response({ headers: { 'content-type': 'text/html' }, text: '<html><title>Welcome</title></html>', failure });
    expect(rules(plain, res)).toEqual(['error response.html']);
    expect(read(plain, res)).toMatchObject({ status: 'error', error: failure.message });
  });

  it('response.bad-json: a complete body that is not JSON', () => {
    const failure: Failure = { kind: 'bad_json', status: 200, message: 'HTTP 200 returned non-JSON ({"id":"chatcmpl<<not json) where JSON was expected' };
    const res = response({ text: '{"id":"chatcmpl<<not json', failure });
    expect(rules(plain, res)).toEqual(['error response.bad-json']);
    expect(read(plain, res)).toMatchObject({ status: 'error', error: failure.message });
  });

  it('a body cut off by the connection closing is an error, not bad JSON', () => {
    const failure: Failure = { kind: 'network', status: 200, code: 'UND_ERR_SOCKET', message: 'the server closed the connection before the response completed (127.0.0.1:1)' };
    const side = read(plain, response({ failure }));
    expect(side.findings).toEqual([]);
    expect(side).toMatchObject({ status: 'error', error: 'the body was cut off: the server closed the connection before the response completed (127.0.0.1:1)' });
  });

  it('stream: true answered with plain JSON: stream.framing, and the answer still read', () => {
    const failure: Failure = { kind: 'bad_stream', status: 200, message: 'expected an event stream, got application/json' };
    const side = read({ ...streamed, model: 'gpt-4o' }, response({ json: chatBody(), failure }));
    expect(side.findings).toEqual([{ rule: 'stream.framing', severity: 'error', message: 'stream: true was asked and the reply was application/json' }]);
    expect(side).toMatchObject({ status: 'pass', answer: { content: 'Hello!' } });
  });

  it('stream: true answered with a 200 error body is that, not also bad framing', () => {
    const failure: Failure = { kind: 'error_body', status: 200, message: 'HTTP 200 with an error body: upstream overloaded' };
    const res = response({ json: { error: { message: 'upstream overloaded' } }, failure });
    expect(rules(streamed, res)).toEqual(['error response.error-in-200']);
    expect(read(streamed, res).status).toBe('error');
  });
});

describe('a stream', () => {
  it('good: an official-shaped stream is answered with no findings', () => {
    expect(read(streamed, streamOf())).toMatchObject({ status: 'pass', findings: [], answer: { content: 'Hello' } });
  });

  it('stream.framing: a line that is not an SSE field, though [DONE] came after it', () => {
    const message = 'a stream line is not a server-sent event field (no "data: "?): {"id":"chatcmpl-1"}';
    const side = read(streamed, streamOf(textStream(), { kind: 'bad_stream', code: 'sse_framing', status: 200, message }));
    expect(side.findings).toEqual([{ rule: 'stream.framing', severity: 'error', message }]);
    expect(side).toMatchObject({ status: 'error', error: message });
  });

  it('stream.framing: cut off before [DONE] (the connection closed), not only an error', () => {
    const failure: Failure = { kind: 'network', status: 200, code: 'UND_ERR_SOCKET', message: 'the server closed the connection before the response completed (127.0.0.1:1)' };
    const side = read(streamed, streamOf(textStream().slice(0, 2), failure));
    expect(side.findings.map((f) => `${f.rule}: ${f.message}`)).toEqual(['stream.framing: the stream was cut off after 2 event(s), before data: [DONE]']);
    expect(side.status).toBe('error');
  });

  it('a stream the client gave up on (timeout) is an error without a framing finding', () => {
    const failure: Failure = { kind: 'timeout', code: 'body_timeout', message: 'body timeout: no progress after 30000 ms waiting for the next body chunk' };
    expect(read(streamed, streamOf(textStream().slice(0, 2), failure))).toMatchObject({ status: 'error', findings: [] });
  });

  it('stream.done-missing: ended cleanly without [DONE], the answer still asserted on', () => {
    const failure: Failure = { kind: 'stream_incomplete', status: 200, message: 'the stream ended without data: [DONE] (after 5 event(s))' };
    const side = read(streamed, streamOf(textStream().slice(0, -1), failure));
    expect(side.findings.map((f) => f.rule)).toEqual(['stream.done-missing']);
    expect(side.status).toBe('pass');
  });
});

describe('an HTTP error answer', () => {
  it('error.envelope when the body is not the envelope; the error quotes it with the hint', () => {
    const failure: Failure = { kind: 'server', status: 502, message: 'HTTP 502: {"html-message":"upstream down"}', hint: 'try later' };
    const res = response({ status: 502, json: { 'html-message': 'upstream down' }, failure });
    expect(rules(plain, res)).toEqual(['error error.envelope']);
    expect(read(plain, res)).toMatchObject({ status: 'error', error: 'HTTP 502: {"html-message":"upstream down"} (try later)' });
  });

  it('no finding when the body was cut off: its shape is unknown', () => {
    const failure: Failure = { kind: 'timeout', status: 502, message: 'no data for 30000 ms while reading the body' };
    expect(rules(plain, response({ status: 502, failure }))).toEqual([]);
  });
});
