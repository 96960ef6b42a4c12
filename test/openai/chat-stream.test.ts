import { describe, expect, it } from 'vitest';
import { checkChatStream } from '../../src/core/openai/chat-stream.js';
import { chunk, DONE, goodToolDeltas, textStream, toolStream } from './samples.js';

type Events = Array<{ data: string }>;
const rules = (events: Events, includeUsage = true) =>
  checkChatStream({ events, includeUsage, contentType: 'text/event-stream; charset=utf-8' }, { requestedModel: 'gpt-4o-mini' }).findings.map((f) => `${f.severity} ${f.rule}`);

describe('streamed chat completion conformance', () => {
  it('an official-shaped stream has no findings and assembles the answer', () => {
    const { findings, answer } = checkChatStream({ events: textStream(), includeUsage: true }, { requestedModel: 'gpt-4o-mini' });
    expect(findings).toEqual([]);
    expect(answer).toEqual({ content: 'Hello', toolCalls: [], finishReason: 'stop', usage: { promptTokens: 5, completionTokens: 2, totalTokens: 7 }, model: 'gpt-4o-mini' });
  });

  it('[DONE] missing, or not last', () => {
    expect(rules(textStream().slice(0, -1))).toEqual(['error stream.done-missing']);
    expect(rules([...textStream(), chunk([])])).toEqual(['error stream.data-after-done']);
  });

  it('framing the reader saw (a line that is not an SSE field, a cut connection) is stream.framing, once', () => {
    const framing = 'a stream line is not a server-sent event field (no "data: "?): {"id":"x"}';
    const events = textStream().slice(0, 2);
    const found = checkChatStream({ events, includeUsage: true, truncated: true, framing }).findings;
    expect(found).toEqual([{ rule: 'stream.framing', severity: 'error', message: framing }]);
    expect(checkChatStream({ events: [], truncated: true, framing }).findings.map((f) => f.message)).toEqual([framing]);
    expect(rules(textStream())).toEqual([]);
  });

  it('no data: events at all, and the wrong content type', () => {
    expect(rules([])).toContain('error stream.framing');
    expect(checkChatStream({ events: textStream(), includeUsage: true, contentType: 'application/json' }).findings.map((f) => f.rule)).toEqual(['stream.content-type']);
  });

  it('a chunk that is not JSON, and an error event mid-stream', () => {
    const events = textStream();
    expect(rules([events[0]!, { data: '{"id": broken' }, ...events.slice(1)])).toEqual(['error stream.bad-json']);
    expect(rules([events[0]!, { data: '{"error":{"message":"upstream reset"}}' }, ...events.slice(1)])).toEqual(['error stream.error-event']);
  });

  it('include_usage asked and no usage chunk; usage without being asked is fine', () => {
    const noUsage = textStream().filter((e) => !e.data.includes('usage'));
    expect(rules(noUsage)).toEqual(['error stream.usage-missing']);
    expect(rules(noUsage, false)).toEqual([]);
  });

  it('usage carried on a chunk that also has choices', () => {
    const events = textStream().filter((e) => !e.data.includes('usage'));
    events.splice(-1, 0, chunk([{ index: 0, delta: {}, finish_reason: null }], { usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } }));
    expect(rules(events)).toEqual(['error stream.usage-chunk-choices']);
  });

  it('finish_reason never set, or set twice', () => {
    const never = textStream().filter((e) => !e.data.includes('"stop"'));
    expect(rules(never)).toEqual(['error finish-reason.missing']);
    const twice = textStream();
    twice.splice(3, 0, chunk([{ index: 0, delta: {}, finish_reason: 'stop' }]));
    expect(rules(twice)).toEqual(['error finish-reason.repeated']);
  });

  it('every chunk with empty choices', () => {
    expect(rules([chunk([]), chunk([], { usage: { prompt_tokens: 1, completion_tokens: 0, total_tokens: 1 } }), DONE])).toEqual(['error choices.empty']);
  });

  it('intermediate chunks omitting finish_reason are tolerated (warning)', () => {
    const events = [chunk([{ index: 0, delta: { content: 'a' } }]), chunk([{ index: 0, delta: { content: 'b' } }]), ...textStream().slice(3)];
    const found = checkChatStream({ events, includeUsage: true }).findings;
    expect(found.map((f) => `${f.severity} ${f.rule}`)).toEqual(['warning schema.optional-missing']);
    expect(found[0]!.message).toMatch(/\(and 1 more chunks\)$/);
  });

  it('tool-call deltas: good, without index, arguments not JSON, no id', () => {
    const good = checkChatStream({ events: toolStream(goodToolDeltas) });
    expect(good.findings).toEqual([]);
    expect(good.answer.toolCalls).toEqual([{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' }]);

    const noIndex = goodToolDeltas.map(({ index: _i, ...d }) => d);
    const found = checkChatStream({ events: toolStream(noIndex) });
    expect(found.findings.map((f) => f.rule)).toEqual(['tool-call.index-missing']);
    expect(found.answer.toolCalls[0]!.arguments).toBe('{"city":"Paris"}');

    const badArgs = [goodToolDeltas[0]!, { index: 0, function: { arguments: '{"city":' } }];
    expect(rules(toolStream(badArgs), false)).toEqual(['error tool-call.arguments-json']);

    const noId = [{ index: 0, type: 'function', function: { name: 'get_weather', arguments: '{}' } }];
    expect(rules(toolStream(noId), false)).toEqual(['error tool-call.id-missing']);
  });

  it('two parallel tool calls keep their arguments apart by index', () => {
    const deltas = [
      { index: 0, id: 'a', type: 'function', function: { name: 'f', arguments: '{"x":' } },
      { index: 1, id: 'b', type: 'function', function: { name: 'g', arguments: '{"y":' } },
      { index: 0, function: { arguments: '1}' } },
      { index: 1, function: { arguments: '2}' } },
    ];
    expect(checkChatStream({ events: toolStream(deltas) }).answer.toolCalls.map((c) => c.arguments)).toEqual(['{"x":1}', '{"y":2}']);
  });

  it('model mapping in a stream', () => {
    expect(checkChatStream({ events: textStream() }, { requestedModel: 'gpt-4.1' }).findings.map((f) => f.rule)).toEqual(['model.mapped']);
  });
});

describe('a stream the client stopped reading (truncated)', () => {
  it('reports what arrived, not the end-of-stream rules the cut explains', () => {
    const events = textStream().slice(0, 2);
    const found = checkChatStream({ events: [...events, { data: '{"id": broken' }], includeUsage: true, truncated: true }).findings;
    expect(found.map((f) => f.rule)).toEqual(['stream.bad-json']);
  });
});
