import { describe, expect, it } from 'vitest';
import { checkChatResponse } from '../../src/core/openai/chat-response.js';
import { chatBody, toolBody } from './samples.js';

const rules = (body: unknown, requestedModel = 'gpt-4o') => checkChatResponse(body, { requestedModel }).findings.map((f) => `${f.severity} ${f.rule}`);

describe('non-streaming chat completion conformance', () => {
  it('an official-shaped body has no findings, and a dated snapshot is not a mapping', () => {
    expect(checkChatResponse(chatBody(), { requestedModel: 'gpt-4o' })).toEqual({
      findings: [],
      answer: { content: 'Hello!', toolCalls: [], finishReason: 'stop', usage: { promptTokens: 10, completionTokens: 2, totalTokens: 12 }, model: 'gpt-4o-2024-08-06' },
    });
  });

  it('missing usage', () => {
    const { usage: _u, ...body } = chatBody();
    expect(rules(body)).toEqual(['error usage.missing']);
  });

  it('empty choices', () => {
    expect(rules(chatBody({ choices: [] }))).toEqual(['error choices.empty']);
  });

  it('finish_reason never set (null or absent)', () => {
    const choice = chatBody().choices[0]!;
    expect(rules(chatBody({ choices: [{ ...choice, finish_reason: null }] }))).toEqual(['error finish-reason.missing']);
    const { finish_reason: _f, ...rest } = choice;
    expect(rules(chatBody({ choices: [rest] }))).toEqual(['error finish-reason.missing']);
  });

  it('200 carrying an error body', () => {
    const { findings } = checkChatResponse({ error: { message: 'upstream overloaded', type: 'server_error' } });
    expect(findings).toEqual([{ rule: 'response.error-in-200', severity: 'error', message: 'body is an error: upstream overloaded' }]);
  });

  it('model mapping is a warning', () => {
    expect(rules(chatBody({ model: 'gpt-3.5-turbo' }))).toEqual(['warning model.mapped']);
    expect(checkChatResponse(chatBody({ model: 'gpt-3.5-turbo' }), { requestedModel: 'gpt-4o' }).findings[0]!.message).toBe('requested gpt-4o, response names gpt-3.5-turbo');
  });

  it('required fields, types and enums from the schema', () => {
    const { id: _id, ...noId } = chatBody();
    expect(rules(noId)).toEqual(['error schema.required']);
    expect(rules(chatBody({ created: '2024-01-01' }))).toEqual(['error schema.type']);
    expect(rules(chatBody({ object: 'chat.completions' }))).toEqual(['error schema.enum']);
    const choice = chatBody().choices[0]!;
    expect(rules(chatBody({ choices: [{ ...choice, finish_reason: 'eos' }] }))).toEqual(['error schema.enum']);
  });

  it('fields the SDKs tolerate missing are warnings, unknown extra fields are fine', () => {
    const choice = chatBody().choices[0]!;
    const { logprobs: _l, ...noLogprobs } = choice;
    expect(rules(chatBody({ choices: [{ ...noLogprobs, provider_extra: 1 }], x_relay: 'yes' }))).toEqual(['warning schema.optional-missing']);
  });

  it('usage totals that do not add up', () => {
    expect(rules(chatBody({ usage: { prompt_tokens: 10, completion_tokens: 2, total_tokens: 99 } }))).toEqual(['warning usage.inconsistent']);
  });

  it('tool calls: good, arguments not JSON, no id, no name', () => {
    expect(rules(toolBody())).toEqual([]);
    expect(rules(toolBody('{"city": Paris'))).toEqual(['error tool-call.arguments-json']);
    const body = toolBody();
    const call = body.choices[0]!.message as unknown as { tool_calls: Array<Record<string, unknown>> };
    delete call.tool_calls[0]!.id;
    (call.tool_calls[0]!.function as Record<string, unknown>).name = undefined;
    expect(rules(JSON.parse(JSON.stringify(body))).sort()).toEqual(['error tool-call.id-missing', 'error tool-call.name-missing']);
  });
});
