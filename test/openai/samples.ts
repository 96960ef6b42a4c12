// Well-formed bodies as OpenAI sends them (from the OpenAPI document's examples); tests break one thing at a time.

export function chatBody(over: Record<string, unknown> = {}) {
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1741570283,
    model: 'gpt-4o-2024-08-06',
    choices: [{ index: 0, message: { role: 'assistant', content: 'Hello!', refusal: null, annotations: [] }, logprobs: null, finish_reason: 'stop' }],
    usage: { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 },
    system_fingerprint: 'fp_1',
    ...over,
  };
}

export function toolBody(args = '{"city":"Paris"}') {
  return chatBody({
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: null, refusal: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: args } }] },
        logprobs: null,
        finish_reason: 'tool_calls',
      },
    ],
  });
}

const base = { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1694268190, model: 'gpt-4o-mini' };

export function chunk(choices: unknown[], extra: Record<string, unknown> = {}) {
  return { data: JSON.stringify({ ...base, choices, ...extra }) };
}

export const DONE = { data: '[DONE]' };

/** A text stream with the usage chunk OpenAI sends when include_usage is set. */
export function textStream(parts = ['Hel', 'lo']) {
  return [
    chunk([{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }]),
    ...parts.map((p) => chunk([{ index: 0, delta: { content: p }, logprobs: null, finish_reason: null }])),
    chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }]),
    chunk([], { usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 } }),
    DONE,
  ];
}

export function toolStream(deltas: Array<Record<string, unknown>>) {
  return [
    chunk([{ index: 0, delta: { role: 'assistant', content: null }, finish_reason: null }]),
    ...deltas.map((d) => chunk([{ index: 0, delta: { tool_calls: [d] }, finish_reason: null }])),
    chunk([{ index: 0, delta: {}, finish_reason: 'tool_calls' }]),
    DONE,
  ];
}

export const goodToolDeltas = [
  { index: 0, id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '' } },
  { index: 0, function: { arguments: '{"city":' } },
  { index: 0, function: { arguments: '"Paris"}' } },
];
