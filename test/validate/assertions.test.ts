import { describe, expect, it } from 'vitest';
import type { Answer } from '../../src/core/openai/answer.js';
import { assertionSchema } from '../../src/core/validate/assertion-schema.js';
import { evaluate, type Observation } from '../../src/core/validate/assertions.js';
import { similarity } from '../../src/core/validate/similarity.js';

function obs(over: Partial<Answer> = {}, latencyMs = 100): Observation {
  return {
    answer: { content: 'The capital of France is Paris.', toolCalls: [], finishReason: 'stop', usage: { promptTokens: 10, completionTokens: 20, totalTokens: 30 }, ...over },
    latencyMs,
  };
}
const weather = (args: string, name = 'get_weather') => obs({ content: '', toolCalls: [{ id: 'c1', name, arguments: args }], finishReason: 'tool_calls' });

function run(raw: unknown, side: Observation, legacy?: Observation) {
  return evaluate(assertionSchema.parse(raw), side, legacy);
}
const status = (raw: unknown, side: Observation, legacy?: Observation) => run(raw, side, legacy).status;

describe('assertions on one answer', () => {
  it('equals (trimmed)', () => {
    expect(status({ equals: 'PONG' }, obs({ content: ' PONG\n' }))).toBe('pass');
    expect(run({ equals: 'PONG' }, obs({ content: 'pong' }))).toEqual({ name: 'equals', status: 'fail', message: 'equals "PONG"; answer was "pong"' });
  });

  it('contains, icontains, not-contains, lists need every item', () => {
    expect(status({ contains: 'Paris' }, obs())).toBe('pass');
    expect(status({ contains: 'paris' }, obs())).toBe('fail');
    expect(status({ icontains: 'paris' }, obs())).toBe('pass');
    expect(status({ contains: ['Paris', 'France'] }, obs())).toBe('pass');
    expect(status({ contains: ['Paris', 'Lyon'] }, obs())).toBe('fail');
    expect(status({ 'not-contains': 'sorry' }, obs())).toBe('pass');
    expect(run({ 'not-contains': 'Paris' }, obs()).message).toMatch(/^expected not: contains "Paris"/);
  });

  it('regex with flags, and unicode classes', () => {
    expect(status({ regex: 'Paris\\.$' }, obs())).toBe('pass');
    expect(status({ regex: { pattern: '^the', flags: 'i' } }, obs())).toBe('pass');
    expect(status({ regex: '^the' }, obs())).toBe('fail');
    expect(status({ regex: '[\\u4e00-\\u9fff]' }, obs({ content: '你好' }))).toBe('pass');
    expect(status({ 'not-regex': '\\d' }, obs())).toBe('pass');
  });

  it('is-json and json-schema', () => {
    expect(status('is-json', obs({ content: '{"answer": "x"}' }))).toBe('pass');
    expect(status('is-json', obs({ content: '```json\n{}\n```' }))).toBe('fail');
    const schema = { 'json-schema': { type: 'object', required: ['answer'], properties: { answer: { type: 'string', minLength: 2 } } } };
    expect(status(schema, obs({ content: '{"answer": "yes"}' }))).toBe('pass');
    expect(run(schema, obs({ content: '{"answer": 1}' })).message).toBe('answer matches the schema; answer: expected string, got integer');
    expect(run(schema, obs({ content: '{"answer": "y"}' })).message).toMatch(/at least 2 characters/);
    expect(run(schema, obs({ content: 'nope' })).message).toMatch(/it is not JSON/);
  });

  it('tool-call by name and arguments schema', () => {
    const args = { type: 'object', required: ['city'], properties: { city: { type: 'string' } } };
    expect(status({ 'tool-call': 'get_weather' }, weather('{"city":"Paris"}'))).toBe('pass');
    expect(status({ 'tool-call': { name: 'get_weather', arguments: args } }, weather('{"city":"Paris"}'))).toBe('pass');
    expect(run({ 'tool-call': { name: 'get_weather', arguments: args } }, weather('{"town":"Paris"}')).message).toBe(
      'get_weather arguments matches the schema; city: required field is missing',
    );
    expect(run({ 'tool-call': { name: 'get_weather', arguments: args } }, weather('{"city":'))).toMatchObject({ status: 'fail' });
    expect(run({ 'tool-call': 'get_weather' }, obs()).message).toBe('a call to get_weather; got no tool');
    expect(status({ 'tool-call': {} }, weather('{}', 'lookup'))).toBe('pass');
    expect(status({ 'not-tool-call': {} }, obs())).toBe('pass');
  });

  it('finish-reason, max-latency-ms, usage-present', () => {
    expect(status({ 'finish-reason': 'stop' }, obs())).toBe('pass');
    expect(status({ 'finish-reason': ['length', 'tool_calls'] }, obs())).toBe('fail');
    expect(run({ 'finish-reason': 'stop' }, obs({ finishReason: undefined })).message).toBe('finish_reason stop; got none');
    expect(status({ 'not-finish-reason': 'length' }, obs())).toBe('pass');
    expect(status({ 'max-latency-ms': 500 }, obs({}, 499))).toBe('pass');
    expect(run({ 'max-latency-ms': 500 }, obs({}, 812.4)).message).toBe('latency <= 500 ms; took 812 ms');
    expect(status('usage-present', obs())).toBe('pass');
    expect(status('usage-present', obs({ usage: undefined }))).toBe('fail');
  });
});

describe('comparisons with the legacy answer', () => {
  it('are skipped without a legacy answer', () => {
    expect(run('same-tool', obs())).toEqual({ name: 'same-tool', status: 'skipped', message: 'needs the legacy answer' });
  });

  it('same-finish-reason and same-tool', () => {
    expect(status('same-finish-reason', obs(), obs())).toBe('pass');
    expect(run('same-finish-reason', obs({ finishReason: 'length' }), obs()).message).toBe('same finish_reason as legacy (stop); got length');
    expect(status('same-tool', weather('{}'), weather('{"a":1}'))).toBe('pass');
    expect(run('same-tool', weather('{}', 'search'), weather('{}')).message).toBe('same tool as legacy (get_weather); got search');
  });

  it('json-equal ignores key order and compares tool arguments when there are tool calls', () => {
    expect(status('json-equal', obs({ content: '{"a":1,"b":[1,2]}' }), obs({ content: '{"b":[1,2],"a":1}' }))).toBe('pass');
    expect(status('json-equal', obs({ content: '{"a":2}' }), obs({ content: '{"a":1}' }))).toBe('fail');
    expect(status('json-equal', weather('{"city":"Paris"}'), weather('{ "city": "Paris" }'))).toBe('pass');
    expect(status('json-equal', obs({ content: '{}' }), obs({ content: 'not json' }))).toBe('skipped');
  });

  it('similar uses local trigram cosine similarity', () => {
    expect(similarity('The capital of France is Paris.', 'the capital of france is paris')).toBeCloseTo(1, 5);
    expect(similarity('完全不同的句子', 'The capital of France')).toBe(0);
    expect(status({ similar: 0.95 }, obs({ content: 'Paris is the capital of France.' }), obs())).toBe('fail');
    expect(status({ similar: 0.5 }, obs({ content: 'The capital city of France is Paris.' }), obs())).toBe('pass');
    expect(run({ similar: 0.9 }, obs({ content: 'Bananas are yellow.' }), obs()).message).toMatch(/^similarity to legacy >= 0.9; got 0\.\d\d$/);
  });

  it('tokens-within a ratio of legacy completion tokens', () => {
    const tokens = (n: number) => obs({ usage: { promptTokens: 1, completionTokens: n, totalTokens: n + 1 } });
    expect(status({ 'tokens-within': 1.5 }, tokens(29), tokens(20))).toBe('pass');
    expect(status({ 'tokens-within': 1.5 }, tokens(31), tokens(20))).toBe('fail');
    expect(status({ 'tokens-within': 1.5 }, tokens(13), tokens(20))).toBe('fail');
    expect(status({ 'tokens-within': 1.5 }, obs({ usage: undefined }), tokens(20))).toBe('skipped');
  });
});

describe('assertion values are validated', () => {
  it('rejects unknown names and bad values', () => {
    expect(assertionSchema.safeParse({ contians: 'x' }).error?.issues[0]?.message).toBe('unknown assertion "contians" (did you mean "contains"?)');
    expect(assertionSchema.safeParse({ similar: 2 }).success).toBe(false);
    expect(assertionSchema.safeParse({ 'tokens-within': 0.5 }).success).toBe(false);
    expect(assertionSchema.safeParse({ contains: 'a', regex: 'b' }).success).toBe(false);
    expect(assertionSchema.safeParse({ 'is-json': false }).success).toBe(false);
  });
});
