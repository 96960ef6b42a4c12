// Relay defects (issue 4): replies that arrive with status 200 but break the schema clients
// rely on. Read raw, since the point is what is on the wire.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider } from '../helpers/fake-provider.js';

type Json = Record<string, any>;
let fake: FakeProvider;

beforeAll(async () => {
  fake = await startFakeProvider({ name: 'relay' });
});
afterEach(() => fake.resetFaults());
afterAll(() => fake.close());

const tools = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }];

async function post(body: Json): Promise<Response> {
  return fetch(`${fake.url}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${fake.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'What is the weather in Oslo?' }], ...body }),
  });
}

async function completion(body: Json = {}): Promise<Json> {
  return (await post(body)).json();
}

/** The JSON chunks of a stream (the [DONE] line excluded). */
async function chunks(body: Json = {}): Promise<Json[]> {
  const text = await (await post({ stream: true, stream_options: { include_usage: true }, ...body })).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith('data: ') && l !== 'data: [DONE]')
    .map((l) => JSON.parse(l.slice(6)));
}

describe('relay defects', () => {
  it('baseline: a clean stream has exactly one finish_reason, indexed tool deltas and a usage chunk', async () => {
    const all = await chunks({ tools });
    const finishes = all.flatMap((c) => c.choices).filter((c: Json) => c.finish_reason);
    expect(finishes.map((c: Json) => c.finish_reason)).toEqual(['tool_calls']);
    const deltas = all.flatMap((c) => c.choices).flatMap((c: Json) => c.delta.tool_calls ?? []);
    expect(deltas.length).toBeGreaterThan(2);
    expect(deltas.every((d: Json) => d.index === 0)).toBe(true);
    expect(JSON.parse(deltas.map((d: Json) => d.function.arguments).join(''))).toEqual({ city: 'Oslo' });
    expect(all.at(-1)).toMatchObject({ choices: [], usage: { total_tokens: expect.any(Number) } });
  });

  it('drops usage: from the body, and no usage chunk though include_usage was asked', async () => {
    fake.setFaults({ defects: { drop: ['usage'] } });
    expect(await completion()).not.toHaveProperty('usage');
    const all = await chunks();
    expect(all.some((c) => c.usage)).toBe(false);
    expect(all.every((c) => c.choices.length === 1)).toBe(true);
  });

  it('drops id and created', async () => {
    fake.setFaults({ defects: { drop: ['id', 'created'] } });
    const body = await completion();
    expect(body).not.toHaveProperty('id');
    expect(body).not.toHaveProperty('created');
    expect((await chunks()).every((c) => !('id' in c) && !('created' in c))).toBe(true);
  });

  it('sends empty choices', async () => {
    fake.setFaults({ defects: { emptyChoices: true } });
    expect((await completion()).choices).toEqual([]);
    expect((await chunks()).every((c) => c.choices.length === 0)).toBe(true);
  });

  it('leaves finish_reason null in the last chunk, or never sends it', async () => {
    fake.setFaults({ defects: { finishReason: 'null' } });
    const nulls = (await chunks()).flatMap((c) => c.choices);
    expect(nulls.length).toBeGreaterThan(2);
    expect(nulls.every((c: Json) => c.finish_reason === null)).toBe(true);
    expect((await completion()).choices[0].finish_reason).toBeNull();
    fake.setFaults({ defects: { finishReason: 'absent' } });
    expect((await chunks()).flatMap((c) => c.choices).some((c: Json) => 'finish_reason' in c)).toBe(false);
  });

  it('sends tool-call deltas without index', async () => {
    fake.setFaults({ defects: { dropToolCallIndex: true } });
    const deltas = (await chunks({ tools })).flatMap((c) => c.choices).flatMap((c: Json) => c.delta.tool_calls ?? []);
    expect(deltas.length).toBeGreaterThan(2);
    expect(deltas.some((d: Json) => 'index' in d)).toBe(false);
  });

  it('answers with a different model than requested (model mapping)', async () => {
    fake.setFaults({ defects: { responseModel: 'qwen-max' } });
    expect((await completion()).model).toBe('qwen-max');
    expect((await chunks()).every((c) => c.model === 'qwen-max')).toBe(true);
  });

  it('applies defects only to the requests its selector picks', async () => {
    fake.setFaults({ defects: { firstN: 1, drop: ['usage'] } });
    expect(await completion()).not.toHaveProperty('usage');
    expect(await completion()).toHaveProperty('usage');
  });
});
