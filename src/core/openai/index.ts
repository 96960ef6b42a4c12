// What an OpenAI-compatible response must look like: schemas from OpenAI's OpenAPI document
// plus the rules a schema cannot say (streams, tool-call deltas, usage, model mapping).
export { checkChatResponse, type Checked } from './chat-response.js';
export { checkChatStream, type StreamInput } from './chat-stream.js';
export { checkErrorResponse, BAD_REQUESTS, type BadRequestKind } from './error-envelope.js';
export { checkModelsList } from './models-list.js';
export { RULES, finding, type Finding, type RuleId, type Severity } from './rules.js';
export type { Answer, ToolCall, Usage } from './answer.js';
export { SCHEMA_SOURCE } from './schemas.js';
