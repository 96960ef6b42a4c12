// The parts of a chat completion request the fake understands, and the checks a real
// provider makes before answering (so bad requests get the errors clients expect).
import { invalidRequest, type ErrorReply } from './openai-errors.js';

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
}

export interface ChatMessage {
  role: string;
  content?: unknown;
}

export interface ToolSpec {
  type: 'function';
  function: { name: string; description?: string; parameters?: JsonSchema };
}

export type ToolChoice = 'none' | 'auto' | 'required' | { type: 'function'; function: { name: string } };

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean } | null;
  tools?: ToolSpec[];
  tool_choice?: ToolChoice;
  response_format?: { type: 'text' | 'json_object' | 'json_schema'; json_schema?: { name?: string; schema?: JsonSchema } };
  max_tokens?: number | null;
  max_completion_tokens?: number | null;
}

/** Returns the request, or the 400 a provider would send for it. */
export function checkChatRequest(body: unknown): ChatRequest | ErrorReply {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return invalidRequest('We could not parse the JSON body of your request.');
  }
  const request = body as Partial<ChatRequest>;
  if (typeof request.model !== 'string' || request.model === '') {
    return invalidRequest("Missing required parameter: 'model'.", 'model');
  }
  if (!Array.isArray(request.messages) || request.messages.length === 0) {
    return invalidRequest("Missing required parameter: 'messages'.", 'messages');
  }
  if (request.tools !== undefined && !Array.isArray(request.tools)) {
    return invalidRequest("Invalid type for 'tools': expected an array.", 'tools');
  }
  return request as ChatRequest;
}

export function isErrorReply(value: ChatRequest | ErrorReply): value is ErrorReply {
  return 'status' in value && 'body' in value;
}

/** The output-token limit the client asked for, under either name. */
export function outputLimit(request: ChatRequest): number | undefined {
  return request.max_completion_tokens ?? request.max_tokens ?? undefined;
}
