// Every conformance finding is one of these named rules. The explanation says what breaks in a
// client and what to do, so a user can act on the one line.

export type Severity = 'error' | 'warning';

export interface Rule {
  severity: Severity;
  explain: string;
}

export const RULES = {
  'schema.required': { severity: 'error', explain: 'a field OpenAI always sends is missing; SDKs and typed clients may crash reading it' },
  'schema.optional-missing': { severity: 'warning', explain: 'a field the OpenAPI document marks required is missing, but the official SDKs tolerate its absence' },
  'schema.type': { severity: 'error', explain: 'a field has the wrong JSON type; typed clients fail to parse the response' },
  'schema.enum': { severity: 'error', explain: 'a field holds a value outside the documented set; code switching on it takes no branch' },
  'response.error-in-200': { severity: 'error', explain: 'HTTP 200 carrying an {"error": ...} body; clients treat it as success and read no answer' },
  'response.html': { severity: 'error', explain: 'an HTML page instead of JSON: the base URL probably lacks /v1 or points at a web page' },
  'response.encoding': { severity: 'error', explain: 'the body holds bytes that are not UTF-8; strict clients reject it and others show U+FFFD in place of the text' },
  'response.bad-json': { severity: 'error', explain: 'the body is not valid JSON; every OpenAI client fails to parse it' },
  'choices.empty': { severity: 'error', explain: 'the response has no choices; code reading choices[0] crashes' },
  'finish-reason.missing': { severity: 'error', explain: 'no finish_reason was set; clients waiting for the end of a turn (or a tool call) never see it' },
  'finish-reason.repeated': { severity: 'error', explain: 'more than one stream chunk carried a finish_reason for the same choice; clients may end the turn twice' },
  'usage.missing': { severity: 'error', explain: 'no usage block; token accounting and cost tracking read zero' },
  'usage.inconsistent': { severity: 'warning', explain: 'total_tokens is not prompt_tokens + completion_tokens; cost reports will disagree with the bill' },
  'stream.framing': { severity: 'error', explain: 'the stream is not framed as server-sent events (data: lines); SDK stream parsers fail' },
  'stream.content-type': { severity: 'warning', explain: 'the stream was not served as text/event-stream; some proxies and clients buffer or reject it' },
  'stream.bad-json': { severity: 'error', explain: 'a stream chunk is not valid JSON; SDK stream parsers throw mid-answer' },
  'stream.done-missing': { severity: 'error', explain: 'the stream ended without data: [DONE]; clients cannot tell a finished answer from a cut connection' },
  'stream.data-after-done': { severity: 'error', explain: 'events arrived after data: [DONE]; clients stop reading at [DONE] and lose them' },
  'stream.error-event': { severity: 'error', explain: 'the stream carried an error object mid-answer; the answer is truncated' },
  'stream.usage-missing': { severity: 'error', explain: 'stream_options.include_usage was asked but no usage chunk came; streamed token accounting reads zero' },
  'stream.usage-chunk-choices': { severity: 'error', explain: 'the usage chunk must have an empty choices array; clients reading choices[0] of it get a stray delta' },
  'tool-call.index-missing': { severity: 'error', explain: 'a tool-call delta has no integer index; SDKs cannot tell which call the fragment belongs to' },
  'tool-call.id-missing': { severity: 'error', explain: 'a tool call has no id; the tool result cannot be sent back with tool_call_id' },
  'tool-call.name-missing': { severity: 'error', explain: 'a tool call has no function name; the client cannot dispatch it' },
  'tool-call.arguments-json': { severity: 'error', explain: 'tool-call arguments do not join into valid JSON; the client cannot call the tool' },
  'model.mapped': { severity: 'warning', explain: 'the response names a different model than requested; the relay may route to another (cheaper or older) model' },
  'error.envelope': { severity: 'error', explain: 'an error response is not the OpenAI {"error": {"message", "type", "param", "code"}} envelope; SDKs show a generic error' },
  'error.status': { severity: 'warning', explain: 'a deliberately bad request got an unexpected HTTP status; retry and auth handling in clients keys off it' },
  'models.list': { severity: 'warning', explain: 'GET /models does not answer a model list; tools that discover models will fail' },
} as const satisfies Record<string, Rule>;

export type RuleId = keyof typeof RULES;

export interface Finding {
  rule: RuleId;
  severity: Severity;
  /** One line: what was seen, e.g. `choices[0].finish_reason: required field is missing`. */
  message: string;
}

export function finding(rule: RuleId, message: string, severity: Severity = RULES[rule].severity): Finding {
  return { rule, severity, message };
}
