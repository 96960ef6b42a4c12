import { isRecord, readUsage, type Answer, type ToolCall } from './answer.js';
import { errorText, type Checked } from './chat-response.js';
import { checkAnswer, type ExpectContext } from './common-checks.js';
import { finding, type Finding } from './rules.js';
import { checkSchema } from './schema-check.js';

export interface StreamInput {
  /** The `data` field of each server-sent event, in order, including the final `[DONE]`. */
  events: Array<{ data: string }>;
  contentType?: string;
  /** The request set stream_options.include_usage. */
  includeUsage?: boolean;
  /** The client stopped reading early (a broken chunk, an error event): skip the end-of-stream rules. */
  truncated?: boolean;
  /** Broken framing the reader saw that `events` cannot show: a line that is not an SSE field, a cut connection. */
  framing?: string;
}

interface Chunk {
  n: number;
  body: Record<string, unknown>;
}

/** Conformance of a streamed chat completion: framing, every chunk's schema, and the rules across chunks. */
export function checkChatStream(input: StreamInput, expect: ExpectContext = {}): Checked {
  const findings: Finding[] = [...checkFraming(input)];
  const chunks = parseChunks(input.events, findings);
  for (const chunk of chunks) findings.push(...checkChunk(chunk));
  const ending: Finding[] = [];
  const answer = assemble(chunks, ending);
  ending.push(...checkFinishReasons(chunks), ...checkUsageChunk(chunks, input.includeUsage), ...checkAnswer(answer, expect));
  // After a truncation these would only restate that the stream was cut short; model mapping still holds.
  findings.push(...(input.truncated ? ending.filter((f) => f.rule === 'model.mapped') : ending));
  return { findings: dedupe(findings), answer };
}

function checkFraming(input: StreamInput): Finding[] {
  const out: Finding[] = [];
  if (input.contentType !== undefined && !/^text\/event-stream\b/i.test(input.contentType)) {
    out.push(finding('stream.content-type', `served as ${input.contentType || '(no content-type)'}, expected text/event-stream`));
  }
  if (input.framing !== undefined) out.push(finding('stream.framing', input.framing));
  else if (input.events.length === 0) out.push(finding('stream.framing', 'the stream carried no data: events'));
  if (input.events.length === 0) return out;
  const done = input.events.findIndex((e) => e.data.trim() === '[DONE]');
  if (done === -1) {
    if (!input.truncated) out.push(finding('stream.done-missing', `${input.events.length} events and no data: [DONE]`));
  } else if (done < input.events.length - 1) out.push(finding('stream.data-after-done', `${input.events.length - 1 - done} events after data: [DONE]`));
  return out;
}

function parseChunks(events: StreamInput['events'], findings: Finding[]): Chunk[] {
  const chunks: Chunk[] = [];
  events.forEach((event, n) => {
    if (event.data.trim() === '[DONE]') return;
    let body: unknown;
    try {
      body = JSON.parse(event.data);
    } catch {
      findings.push(finding('stream.bad-json', `chunk ${n}: ${JSON.stringify(event.data.slice(0, 60))} is not JSON`));
      return;
    }
    if (isRecord(body) && 'error' in body && !('choices' in body)) findings.push(finding('stream.error-event', `chunk ${n}: ${errorText(body.error)}`));
    else if (isRecord(body)) chunks.push({ n, body });
    else findings.push(finding('stream.bad-json', `chunk ${n}: expected a JSON object`));
  });
  return chunks;
}

function checkChunk(chunk: Chunk): Finding[] {
  return checkSchema('CreateChatCompletionStreamResponse', chunk.body, `chunk ${chunk.n}: `);
}

function choicesOf(chunk: Chunk): Record<string, unknown>[] {
  return Array.isArray(chunk.body.choices) ? chunk.body.choices.filter(isRecord) : [];
}

function checkFinishReasons(chunks: Chunk[]): Finding[] {
  const counts = new Map<number, number>();
  for (const chunk of chunks) {
    for (const choice of choicesOf(chunk)) {
      const index = typeof choice.index === 'number' ? choice.index : 0;
      const set = choice.finish_reason !== null && choice.finish_reason !== undefined;
      counts.set(index, (counts.get(index) ?? 0) + (set ? 1 : 0));
    }
  }
  if (counts.size === 0) return [finding('choices.empty', 'no chunk carried a choice')];
  return [...counts].flatMap(([index, n]) => {
    if (n === 0) return [finding('finish-reason.missing', `choice ${index}: no chunk carried a finish_reason`)];
    if (n > 1) return [finding('finish-reason.repeated', `choice ${index}: ${n} chunks carried a finish_reason`)];
    return [];
  });
}

function checkUsageChunk(chunks: Chunk[], includeUsage?: boolean): Finding[] {
  const withUsage = chunks.filter((c) => isRecord(c.body.usage));
  const out = withUsage
    .filter((c) => choicesOf(c).length > 0)
    .map((c) => finding('stream.usage-chunk-choices', `chunk ${c.n}: carries usage and ${choicesOf(c).length} choice(s)`));
  if (includeUsage && withUsage.length === 0) out.push(finding('stream.usage-missing', 'include_usage was set and no chunk carried usage'));
  return out;
}

/** Joins the deltas of choice 0 into one answer, the way the official SDKs accumulate a stream. */
function assemble(chunks: Chunk[], findings: Finding[]): Answer {
  const answer: Answer = { content: '', toolCalls: [] };
  const calls = new Map<number, ToolCall>();
  for (const chunk of chunks) {
    if (answer.model === undefined && typeof chunk.body.model === 'string') answer.model = chunk.body.model;
    const usage = readUsage(chunk.body.usage);
    if (usage) answer.usage = usage;
    for (const choice of choicesOf(chunk)) {
      if ((typeof choice.index === 'number' ? choice.index : 0) !== 0) continue;
      if (typeof choice.finish_reason === 'string') answer.finishReason = choice.finish_reason;
      const delta = isRecord(choice.delta) ? choice.delta : {};
      if (typeof delta.content === 'string') answer.content += delta.content;
      if (Array.isArray(delta.tool_calls)) delta.tool_calls.filter(isRecord).forEach((d) => addToolDelta(calls, d));
    }
  }
  answer.toolCalls = [...calls.values()];
  answer.toolCalls.forEach((call, i) => {
    if (!call.id) findings.push(finding('tool-call.id-missing', `tool_calls[${i}] (${call.name ?? '?'}): no delta carried an id`));
    if (!call.name) findings.push(finding('tool-call.name-missing', `tool_calls[${i}]: no delta carried a function name`));
  });
  return answer;
}

// Without an integer index a fragment cannot be placed; guess like lenient clients do (a new
// id starts a call, anything else continues the last one) so the arguments check still runs.
function addToolDelta(calls: Map<number, ToolCall>, delta: Record<string, unknown>): void {
  const fn = isRecord(delta.function) ? delta.function : {};
  let index = Number.isInteger(delta.index) ? (delta.index as number) : undefined;
  if (index === undefined) index = typeof delta.id === 'string' || calls.size === 0 ? calls.size : calls.size - 1;
  const call = calls.get(index) ?? { arguments: '' };
  if (typeof delta.id === 'string' && !call.id) call.id = delta.id;
  // Some relays repeat the name in every fragment; OpenAI sends it once.
  if (typeof fn.name === 'string' && call.name !== fn.name) call.name = (call.name ?? '') + fn.name;
  if (typeof fn.arguments === 'string') call.arguments += fn.arguments;
  calls.set(index, call);
}

/** One finding per rule and field, however many chunks repeat it. */
function dedupe(findings: Finding[]): Finding[] {
  const seen = new Map<string, { first: Finding; count: number }>();
  for (const f of findings) {
    const key = `${f.rule} ${f.message.replace(/^chunk \d+: /, '').replace(/\[\d+\]/g, '[]')}`;
    const entry = seen.get(key);
    if (entry) entry.count++;
    else seen.set(key, { first: f, count: 1 });
  }
  return [...seen.values()].map(({ first, count }) => (count > 1 ? { ...first, message: `${first.message} (and ${count - 1} more chunks)` } : first));
}
