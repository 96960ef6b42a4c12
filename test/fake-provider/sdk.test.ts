// The fake's well-formed replies, read by the official openai SDK: if the SDK accepts them,
// real applications would too.
import OpenAI, { AuthenticationError, NotFoundError, BadRequestError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider } from '../helpers/fake-provider.js';

const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } }, required: ['city'] },
  },
};

describe('fake provider through the openai SDK', () => {
  let fake: FakeProvider;
  let client: OpenAI;

  beforeAll(async () => {
    fake = await startFakeProvider({ name: 'legacy', apiKey: 'sk-legacy-test-1234', models: ['gpt-4.1', 'gpt-4o-mini'] });
    client = new OpenAI({ apiKey: fake.apiKey, baseURL: fake.url, maxRetries: 0 });
  });
  afterAll(() => fake.close());

  it('lists the configured models', async () => {
    const page = await client.models.list();
    expect(page.data.map((m) => m.id)).toEqual(['gpt-4.1', 'gpt-4o-mini']);
    expect(fake.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
  });

  it('answers a plain completion deterministically, with usage and the provider name in the fingerprint', async () => {
    const ask = () => client.chat.completions.create({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'Explain canary releases' }] });
    const [first, second] = [await ask(), await ask()];
    expect(first.choices[0]!.message.content).toBe(second.choices[0]!.message.content);
    expect(first.choices[0]!.message.content).toContain('Explain canary releases');
    expect(first.choices[0]!.finish_reason).toBe('stop');
    expect(first.model).toBe('gpt-4.1');
    expect(first.system_fingerprint).toContain('legacy');
    expect(first.usage!.total_tokens).toBe(first.usage!.prompt_tokens + first.usage!.completion_tokens);
    expect(first.usage!.completion_tokens).toBeGreaterThan(5);
  });

  it('replies exactly when asked to, and echoes non-ASCII prompts', async () => {
    const reply = await client.chat.completions.create({ model: 'gpt-4.1', messages: [{ role: 'user', content: '请只回复: 你好世界' }] });
    expect(reply.choices[0]!.message.content).toContain('请只回复');
    const exact = await client.chat.completions.create({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'Reply with exactly "PONG"' }] });
    expect(exact.choices[0]!.message.content).toBe('PONG');
  });

  it('streams with include_usage: content deltas, one finish_reason, a usage chunk with empty choices', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4.1',
      messages: [{ role: 'user', content: 'Explain canary releases' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    const finishes: string[] = [];
    let usageChunk: OpenAI.Chat.Completions.ChatCompletionChunk | undefined;
    for await (const chunk of stream) {
      for (const choice of chunk.choices) {
        text += choice.delta.content ?? '';
        if (choice.finish_reason) finishes.push(choice.finish_reason);
      }
      if (chunk.usage) usageChunk = chunk;
    }
    const plain = await client.chat.completions.create({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'Explain canary releases' }] });
    expect(text).toBe(plain.choices[0]!.message.content);
    expect(finishes).toEqual(['stop']);
    expect(usageChunk!.choices).toEqual([]);
    expect(usageChunk!.usage!.completion_tokens).toBe(plain.usage!.completion_tokens);
  });

  it('streams a tool call whose argument pieces join into valid JSON (SDK stream helper)', async () => {
    const stream = client.chat.completions.stream({
      model: 'gpt-4.1',
      messages: [{ role: 'user', content: 'What is the weather in Paris right now?' }],
      tools: [weatherTool],
    });
    let argumentDeltas = 0;
    stream.on('tool_calls.function.arguments.delta', () => argumentDeltas++);
    const final = await stream.finalChatCompletion();
    const call = final.choices[0]!.message.tool_calls![0]!;
    expect(final.choices[0]!.finish_reason).toBe('tool_calls');
    expect(call.type === 'function' && call.function.name).toBe('get_weather');
    expect(call.type === 'function' && JSON.parse(call.function.arguments)).toEqual({ city: 'Paris', unit: 'celsius' });
    expect(argumentDeltas).toBeGreaterThan(2);
  });

  it('calls the tool tool_choice names and none when tool_choice is none', async () => {
    const forced = await client.chat.completions.create({
      model: 'gpt-4.1',
      messages: [{ role: 'user', content: 'hello' }],
      tools: [weatherTool],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
    });
    expect(forced.choices[0]!.message.tool_calls).toHaveLength(1);
    const none = await client.chat.completions.create({
      model: 'gpt-4.1',
      messages: [{ role: 'user', content: 'What is the weather in Paris?' }],
      tools: [weatherTool],
      tool_choice: 'none',
    });
    expect(none.choices[0]!.message.tool_calls).toBeUndefined();
    expect(none.choices[0]!.message.content).toBeTruthy();
  });

  it('answers in text once the tool result is in the conversation', async () => {
    const reply = await client.chat.completions.create({
      model: 'gpt-4.1',
      tools: [weatherTool],
      messages: [
        { role: 'user', content: 'What is the weather in Paris?' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: '{"temperature": 21}' },
      ],
    });
    expect(reply.choices[0]!.finish_reason).toBe('stop');
    expect(reply.choices[0]!.message.tool_calls).toBeUndefined();
  });

  it('returns a JSON object text in JSON mode', async () => {
    const reply = await client.chat.completions.create({
      model: 'gpt-4.1',
      messages: [{ role: 'user', content: 'Give me a JSON summary of the rollout' }],
      response_format: { type: 'json_object' },
    });
    const parsed = JSON.parse(reply.choices[0]!.message.content!);
    expect(typeof parsed).toBe('object');
    expect(parsed.answer).toContain('JSON summary');
  });

  it('writes long output when asked and cuts it at the token limit with finish_reason length', async () => {
    const messages = [{ role: 'user' as const, content: 'Write an essay of 400 words about rollbacks' }];
    const long = await client.chat.completions.create({ model: 'gpt-4.1', messages });
    expect(long.choices[0]!.message.content!.split(/\s+/).length).toBeGreaterThan(400);
    expect(long.choices[0]!.finish_reason).toBe('stop');
    const cut = await client.chat.completions.create({ model: 'gpt-4.1', messages, max_completion_tokens: 16 });
    expect(cut.choices[0]!.finish_reason).toBe('length');
    expect(cut.usage!.completion_tokens).toBeLessThanOrEqual(16);
    expect(cut.usage!.completion_tokens).toBeGreaterThan(8);
  });

  it('rejects a wrong key with an AuthenticationError and never logs the key', async () => {
    const wrong = new OpenAI({ apiKey: 'sk-wrong-secret-9876', baseURL: fake.url, maxRetries: 0 });
    await expect(wrong.models.list()).rejects.toBeInstanceOf(AuthenticationError);
    const record = fake.requests.at(-1)!;
    expect(record).toMatchObject({ status: 401, authorized: false, auth: 'Bearer sk-…9876' });
    expect(JSON.stringify(fake.requests)).not.toContain('sk-wrong-secret');
    expect(JSON.stringify(fake.requests)).not.toContain(fake.apiKey);
  });

  it('answers an unknown model with 404 model_not_found', async () => {
    const error = await client.chat.completions.create({ model: 'gpt-9', messages: [{ role: 'user', content: 'hi' }] }).catch((e) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.code).toBe('model_not_found');
  });

  it('can reject max_completion_tokens like relays that only know max_tokens', async () => {
    fake.setFaults({ rejectMaxCompletionTokens: true });
    try {
      const error = await client.chat.completions.create({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }], max_completion_tokens: 16 }).catch((e) => e);
      expect(error).toBeInstanceOf(BadRequestError);
      expect(error.code).toBe('unsupported_parameter');
      const fallback = await client.chat.completions.create({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }], max_tokens: 16 });
      expect(fallback.choices).toHaveLength(1);
    } finally {
      fake.setFaults({ rejectMaxCompletionTokens: null });
    }
  });
});
