import type { Answer, ToolCall, Usage } from './answer.js';
import { finding, type Finding } from './rules.js';

export interface ExpectContext {
  /** The model the request asked for (model mapping is reported against it). */
  requestedModel?: string;
}

/** Rules that hold for a finished answer however it arrived. */
export function checkAnswer(answer: Answer, expect: ExpectContext): Finding[] {
  return [...checkModel(answer.model, expect), ...checkToolCalls(answer.toolCalls), ...checkUsageTotals(answer.usage)];
}

function checkModel(model: string | undefined, expect: ExpectContext): Finding[] {
  const mismatch = modelMismatch(model, expect.requestedModel);
  return mismatch ? [finding('model.mapped', mismatch)] : [];
}

/** `requested X, response names Y` when the answer names another model (validate's and check's rule). */
export function modelMismatch(answered: string | undefined, requested: string | undefined): string | undefined {
  if (!requested || !answered || sameModel(answered, requested)) return undefined;
  return `requested ${requested}, response names ${answered}`;
}

/** OpenAI answers a model alias with a dated snapshot (gpt-4o -> gpt-4o-2024-08-06); that is not a mapping. */
function sameModel(actual: string, requested: string): boolean {
  if (actual === requested) return true;
  return actual.startsWith(`${requested}-`) && /^-\d{4}-\d{2}-\d{2}$|^-\d{4}$/.test(actual.slice(requested.length));
}

function checkToolCalls(calls: ToolCall[]): Finding[] {
  return calls.flatMap((call, i) => {
    if (isJson(call.arguments)) return [];
    return [finding('tool-call.arguments-json', `tool_calls[${i}] (${call.name ?? '?'}): arguments ${clip(call.arguments)} are not valid JSON`)];
  });
}

function checkUsageTotals(usage: Usage | undefined): Finding[] {
  if (!usage || usage.totalTokens === usage.promptTokens + usage.completionTokens) return [];
  return [finding('usage.inconsistent', `usage: total_tokens ${usage.totalTokens} != prompt ${usage.promptTokens} + completion ${usage.completionTokens}`)];
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function clip(text: string, max = 60): string {
  const one = JSON.stringify(text);
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}
