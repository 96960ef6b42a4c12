import { finding, type Finding, type RuleId } from './rules.js';
import { validateSchema, type SchemaIssue } from './json-schema.js';
import { OPENAI_SCHEMAS } from './schemas.js';

export type SchemaName = 'CreateChatCompletionResponse' | 'CreateChatCompletionStreamResponse' | 'ErrorResponse' | 'ListModelsResponse';

// Fields the OpenAPI document marks required whose absence the official SDKs tolerate and
// most relays omit: reported as warnings so real defects stand out. Paths with indices as [].
const TOLERATED_MISSING: Record<SchemaName, Set<string>> = {
  CreateChatCompletionResponse: new Set(['choices[].logprobs', 'choices[].message.refusal']),
  // Intermediate chunks often omit `finish_reason: null`; the stream rules check the final one.
  CreateChatCompletionStreamResponse: new Set(['choices[].finish_reason', 'choices[].logprobs']),
  ErrorResponse: new Set(['error.param', 'error.code']),
  ListModelsResponse: new Set(['data[].created', 'data[].owned_by']),
};

// Issues that have a more specific rule of their own.
const SPECIFIC: Array<{ pattern: RegExp; keyword: SchemaIssue['keyword']; rule: RuleId; only?: SchemaName }> = [
  { pattern: /^choices\[\]\.finish_reason$/, keyword: 'required', rule: 'finish-reason.missing', only: 'CreateChatCompletionResponse' },
  { pattern: /^choices\[\]\.finish_reason$/, keyword: 'type', rule: 'finish-reason.missing', only: 'CreateChatCompletionResponse' },
  { pattern: /tool_calls\[\]\.index$/, keyword: 'required', rule: 'tool-call.index-missing' },
  { pattern: /tool_calls\[\]\.index$/, keyword: 'type', rule: 'tool-call.index-missing' },
  { pattern: /tool_calls\[\]\.id$/, keyword: 'required', rule: 'tool-call.id-missing' },
  { pattern: /tool_calls\[\]\.function\.name$/, keyword: 'required', rule: 'tool-call.name-missing' },
];

/** Checks a body or chunk against one of OpenAI's schemas; each issue becomes a named finding. */
export function checkSchema(name: SchemaName, value: unknown, prefix = ''): Finding[] {
  const issues = validateSchema(OPENAI_SCHEMAS[name]!, value, OPENAI_SCHEMAS);
  return issues.map((issue) => toFinding(name, issue, prefix));
}

function toFinding(name: SchemaName, issue: SchemaIssue, prefix: string): Finding {
  const shape = issue.path.replace(/\[\d+\]/g, '[]');
  const where = `${prefix}${issue.path || '(body)'}`;
  const text = `${where}: ${issue.message}`;
  const specific = SPECIFIC.find((s) => s.keyword === issue.keyword && s.pattern.test(shape) && (!s.only || s.only === name));
  if (specific) return finding(specific.rule, text);
  if (issue.keyword === 'required') return finding(TOLERATED_MISSING[name].has(shape) ? 'schema.optional-missing' : 'schema.required', text);
  if (issue.keyword === 'enum') return finding('schema.enum', text);
  return finding('schema.type', text);
}
