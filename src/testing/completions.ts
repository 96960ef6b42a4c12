// Builds well-formed chat completion bodies and stream chunks as plain data. Nothing here
// touches a socket: defects and stream faults are applied afterwards, to these objects.
import { outputLimit, type ChatRequest } from './chat-request.js';
import { estimateTokens, lastUserText, promptTokens, replyPieces } from './content.js';
import { hashText } from './random.js';
import { chooseTool, sampleFromSchema } from './tools.js';

export type FinishReason = 'stop' | 'length' | 'tool_calls';

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export interface ReplyPlan {
  /** Text pieces, one per stream chunk (empty for a tool call). */
  pieces: string[];
  toolCall?: { id: string; name: string; arguments: string };
  finishReason: FinishReason;
  usage: Usage;
}

/** Identity of one response: the same in the body and in every chunk. */
export interface ReplyMeta {
  id: string;
  created: number;
  model: string;
  systemFingerprint: string;
}

type Json = Record<string, unknown>;

export function planReply(request: ChatRequest): ReplyPlan {
  const tool = chooseTool(request);
  const prompt = promptTokens(request.messages);
  if (tool) {
    const args = JSON.stringify(sampleFromSchema(tool.function.parameters, lastUserText(request.messages)));
    const id = `call_${hashText(tool.function.name + args).toString(36)}`;
    return { pieces: [], toolCall: { id, name: tool.function.name, arguments: args }, finishReason: 'tool_calls', usage: usage(prompt, estimateTokens(args) + 8) };
  }
  const { pieces, cut } = limitPieces(replyPiecesFor(request), outputLimit(request));
  const completion = pieces.reduce((sum, p) => sum + estimateTokens(p), 0);
  return { pieces, finishReason: cut ? 'length' : 'stop', usage: usage(prompt, completion) };
}

function replyPiecesFor(request: ChatRequest): string[] {
  const format = request.response_format;
  if (format?.type === 'json_object') {
    const text = replyPieces(request.messages).join('');
    return [JSON.stringify({ answer: text, words: text.split(/\s+/).length })];
  }
  if (format?.type === 'json_schema') {
    return [JSON.stringify(sampleFromSchema(format.json_schema?.schema, lastUserText(request.messages)))];
  }
  return replyPieces(request.messages);
}

/** Keeps whole pieces while they fit the token limit; JSON bodies are never cut (approximate). */
function limitPieces(pieces: string[], limit: number | undefined): { pieces: string[]; cut: boolean } {
  if (limit === undefined || pieces.length <= 1) return { pieces, cut: false };
  const kept: string[] = [];
  let used = 0;
  for (const piece of pieces) {
    used += estimateTokens(piece);
    if (used > limit) return { pieces: kept, cut: true };
    kept.push(piece);
  }
  return { pieces: kept, cut: false };
}

function usage(prompt: number, completion: number): Usage {
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

function usageDetails(u: Usage): Json {
  return {
    ...u,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
}

export function buildCompletion(plan: ReplyPlan, meta: ReplyMeta): Json {
  const toolCalls = plan.toolCall ? [{ id: plan.toolCall.id, type: 'function', function: { name: plan.toolCall.name, arguments: plan.toolCall.arguments } }] : undefined;
  const message: Json = { role: 'assistant', content: toolCalls ? null : plan.pieces.join(''), refusal: null, annotations: [] };
  if (toolCalls) message.tool_calls = toolCalls;
  return {
    id: meta.id,
    object: 'chat.completion',
    created: meta.created,
    model: meta.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: plan.finishReason }],
    usage: usageDetails(plan.usage),
    service_tier: 'default',
    system_fingerprint: meta.systemFingerprint,
  };
}

/** The chunks of a stream, without framing; the usage chunk comes last when asked for. */
export function buildChunks(plan: ReplyPlan, meta: ReplyMeta, includeUsage: boolean): Json[] {
  const chunk = (delta: Json, finish: FinishReason | null): Json => ({
    id: meta.id,
    object: 'chat.completion.chunk',
    created: meta.created,
    model: meta.model,
    system_fingerprint: meta.systemFingerprint,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    ...(includeUsage ? { usage: null } : {}),
  });
  const chunks = plan.toolCall ? toolCallDeltas(plan.toolCall).map((d) => chunk(d, null)) : textDeltas(plan.pieces).map((d) => chunk(d, null));
  chunks.push(chunk({}, plan.finishReason));
  if (includeUsage) chunks.push({ ...chunk({}, null), choices: [], usage: usageDetails(plan.usage) });
  return chunks;
}

function textDeltas(pieces: string[]): Json[] {
  return [{ role: 'assistant', content: '', refusal: null }, ...pieces.map((content) => ({ content }))];
}

/** First delta names the call; the arguments follow in several pieces, each with its index. */
function toolCallDeltas(call: NonNullable<ReplyPlan['toolCall']>): Json[] {
  const first = { role: 'assistant', content: null, tool_calls: [{ index: 0, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }] };
  const size = Math.max(1, Math.ceil(call.arguments.length / 4));
  const rest: Json[] = [];
  for (let at = 0; at < call.arguments.length; at += size) {
    rest.push({ tool_calls: [{ index: 0, function: { arguments: call.arguments.slice(at, at + size) } }] });
  }
  return [first, ...rest];
}
