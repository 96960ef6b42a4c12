// POST /v1/chat/completions once the request got past the connection-level faults:
// validate like a provider would, build the reply, apply defects, write it.
import type { ServerResponse } from 'node:http';
import { checkChatRequest, isErrorReply } from './chat-request.js';
import { buildChunks, buildCompletion, planReply, type ReplyMeta } from './completions.js';
import { defectChunks, defectCompletion } from './defects.js';
import type { Decision } from './faults.js';
import { sendError, sendJson } from './http-io.js';
import { modelNotFound, unsupportedParameter } from './openai-errors.js';
import { writeBrokenJson, writeSse, type StreamFaults } from './sse.js';

export interface ChatExchange {
  res: ServerResponse;
  body: unknown;
  models: readonly string[];
  decision: Decision;
  meta: Omit<ReplyMeta, 'model'>;
}

const DEFAULT_TRUNCATE_AFTER = 2;

export async function handleChat({ res, body, models, decision, meta }: ChatExchange): Promise<void> {
  const request = checkChatRequest(body);
  if (isErrorReply(request)) return sendError(res, request);
  if (!models.includes(request.model)) return sendError(res, modelNotFound(request.model));
  if (decision.faults.rejectMaxCompletionTokens && request.max_completion_tokens != null) {
    return sendError(res, unsupportedParameter('max_completion_tokens', 'max_tokens'));
  }
  const plan = planReply(request);
  const replyMeta = { ...meta, model: request.model };
  const defects = decision.hits.has('defects') ? decision.faults.defects : undefined;
  if (request.stream) {
    const chunks = buildChunks(plan, replyMeta, request.stream_options?.include_usage === true);
    return writeSse(res, defects ? defectChunks(chunks, defects) : chunks, streamFaults(decision));
  }
  const completion = buildCompletion(plan, replyMeta);
  const reply = defects ? defectCompletion(completion, defects) : completion;
  if (decision.hits.has('truncateStream')) return writeBrokenJson(res, reply, 'truncate');
  if (decision.hits.has('malformedSse')) return writeBrokenJson(res, reply, 'malformed');
  sendJson(res, 200, reply);
}

function streamFaults({ hits, faults, chunkDelayMs }: Decision): StreamFaults {
  const truncate = faults.truncateStream;
  const afterChunks = typeof truncate === 'object' ? truncate.afterChunks : undefined;
  return {
    truncateAfter: hits.has('truncateStream') ? (afterChunks ?? DEFAULT_TRUNCATE_AFTER) : undefined,
    noDone: hits.has('noDone'),
    malformed: hits.has('malformedSse'),
    chunkDelayMs,
  };
}
