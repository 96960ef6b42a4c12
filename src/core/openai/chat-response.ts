import { isRecord, readUsage, type Answer, type ToolCall } from './answer.js';
import { checkAnswer, type ExpectContext } from './common-checks.js';
import { finding, type Finding } from './rules.js';
import { checkSchema } from './schema-check.js';

export interface Checked {
  findings: Finding[];
  answer: Answer;
}

/** Conformance of a non-streaming chat completion body (HTTP 200, already parsed). */
export function checkChatResponse(body: unknown, expect: ExpectContext = {}): Checked {
  if (isRecord(body) && 'error' in body && !('choices' in body)) {
    return { findings: [finding('response.error-in-200', `body is an error: ${errorText(body.error)}`)], answer: emptyAnswer() };
  }
  const findings = checkSchema('CreateChatCompletionResponse', body);
  const answer = readAnswer(body);
  const choices = isRecord(body) && Array.isArray(body.choices) ? body.choices : undefined;
  if (choices && choices.length === 0) findings.push(finding('choices.empty', 'choices is an empty array'));
  if (isRecord(body) && !('usage' in body && isRecord(body.usage))) findings.push(finding('usage.missing', 'the response has no usage object'));
  findings.push(...checkAnswer(answer, expect));
  return { findings, answer };
}

function readAnswer(body: unknown): Answer {
  if (!isRecord(body)) return emptyAnswer();
  const choice = Array.isArray(body.choices) && isRecord(body.choices[0]) ? body.choices[0] : {};
  const message = isRecord(choice.message) ? choice.message : {};
  return {
    content: typeof message.content === 'string' ? message.content : '',
    toolCalls: Array.isArray(message.tool_calls) ? message.tool_calls.map(readToolCall) : [],
    finishReason: typeof choice.finish_reason === 'string' ? choice.finish_reason : undefined,
    usage: readUsage(body.usage),
    model: typeof body.model === 'string' ? body.model : undefined,
  };
}

function readToolCall(value: unknown): ToolCall {
  const call = isRecord(value) ? value : {};
  const fn = isRecord(call.function) ? call.function : {};
  return {
    id: typeof call.id === 'string' ? call.id : undefined,
    name: typeof fn.name === 'string' ? fn.name : undefined,
    arguments: typeof fn.arguments === 'string' ? fn.arguments : JSON.stringify(fn.arguments ?? ''),
  };
}

function emptyAnswer(): Answer {
  return { content: '', toolCalls: [] };
}

export function errorText(error: unknown): string {
  if (isRecord(error) && typeof error.message === 'string') return error.message.slice(0, 200);
  return JSON.stringify(error)?.slice(0, 200) ?? 'unknown error';
}
