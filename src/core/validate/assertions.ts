import type { Answer } from '../openai/answer.js';
import { validateSchema, type JsonSchema } from '../openai/json-schema.js';
import { COMPARISONS, type Assertion, type AssertionType } from './assertion-schema.js';
import { similarity } from './similarity.js';

/** What one provider answered for one case. */
export interface Observation {
  answer: Answer;
  latencyMs: number;
}

export type AssertionStatus = 'pass' | 'fail' | 'skipped';

export interface AssertionResult {
  /** As written in the suite, e.g. `not-contains`. */
  name: string;
  status: AssertionStatus;
  /** Why it failed or was skipped; empty on pass. */
  message: string;
}

type Outcome = { ok: boolean; detail: string } | { skip: string };
type Check = (value: never, side: Observation, legacy: Observation | undefined) => Outcome;

/**
 * Evaluate one assertion. Comparisons need the legacy answer of the same case and are skipped
 * without it (one-provider runs, or evaluating legacy itself).
 */
export function evaluate(assertion: Assertion, side: Observation, legacy?: Observation): AssertionResult {
  if (COMPARISONS.has(assertion.type) && !legacy) return { name: assertion.name, status: 'skipped', message: 'needs the legacy answer' };
  let outcome: Outcome;
  try {
    outcome = CHECKS[assertion.type](assertion.value as never, side, legacy);
  } catch (err) {
    outcome = { ok: false, detail: err instanceof Error ? err.message : String(err) };
  }
  if ('skip' in outcome) return { name: assertion.name, status: 'skipped', message: outcome.skip };
  const ok = assertion.negate ? !outcome.ok : outcome.ok;
  const message = ok ? '' : assertion.negate ? `expected not: ${outcome.detail}` : outcome.detail;
  return { name: assertion.name, status: ok ? 'pass' : 'fail', message };
}

const CHECKS: { [K in AssertionType]: Check } = {
  equals: (value: string | number | boolean, { answer }) =>
    result(answer.content.trim() === String(value).trim(), `equals ${clip(String(value))}; answer was ${clip(answer.content)}`),
  contains: (value: string | string[], { answer }) => containsAll(answer.content, value, false),
  icontains: (value: string | string[], { answer }) => containsAll(answer.content, value, true),
  regex: (value: string | { pattern: string; flags?: string }, { answer }) => {
    const { pattern, flags } = typeof value === 'string' ? { pattern: value, flags: '' } : value;
    return result(new RegExp(pattern, `${flags ?? ''}u`).test(answer.content), `matches /${pattern}/${flags ?? ''}; answer was ${clip(answer.content)}`);
  },
  'is-json': (_: true, { answer }) => result(parseJson(answer.content).ok, `is JSON; answer was ${clip(answer.content)}`),
  'json-schema': (schema: JsonSchema, { answer }) => matchesSchema(answer.content, schema, 'answer'),
  'tool-call': (value: string | { name?: string; arguments?: JsonSchema }, { answer }) => toolCall(answer, typeof value === 'string' ? { name: value } : value),
  'finish-reason': (value: string | string[], { answer }) => {
    const allowed = [value].flat();
    return result(answer.finishReason !== undefined && allowed.includes(answer.finishReason), `finish_reason ${allowed.join(' or ')}; got ${answer.finishReason ?? 'none'}`);
  },
  'max-latency-ms': (max: number, { latencyMs }) => result(latencyMs <= max, `latency <= ${max} ms; took ${Math.round(latencyMs)} ms`),
  'usage-present': (_: true, { answer }) => result(answer.usage !== undefined, 'usage present; the response had none'),
  'same-finish-reason': (_: true, { answer }, legacy) =>
    result(answer.finishReason === legacy!.answer.finishReason, `same finish_reason as legacy (${legacy!.answer.finishReason ?? 'none'}); got ${answer.finishReason ?? 'none'}`),
  'same-tool': (_: true, { answer }, legacy) => {
    const names = (a: Answer) =>
      a.toolCalls
        .map((c) => c.name ?? '?')
        .sort()
        .join(', ') || 'no tool';
    return result(names(answer) === names(legacy!.answer), `same tool as legacy (${names(legacy!.answer)}); got ${names(answer)}`);
  },
  'json-equal': (_: true, { answer }, legacy) => jsonEqual(answer, legacy!.answer),
  similar: (value: number | { threshold: number }, { answer }, legacy) => {
    const threshold = typeof value === 'number' ? value : value.threshold;
    const score = similarity(answer.content, legacy!.answer.content);
    return result(score >= threshold, `similarity to legacy >= ${threshold}; got ${score.toFixed(2)}`);
  },
  'tokens-within': (ratio: number, { answer }, legacy) => {
    const mine = answer.usage?.completionTokens;
    const theirs = legacy!.answer.usage?.completionTokens;
    if (mine === undefined || theirs === undefined) return { skip: 'needs usage from both providers' };
    const r = theirs === 0 ? (mine === 0 ? 1 : Infinity) : mine / theirs;
    return result(r <= ratio && r >= 1 / ratio, `completion tokens within ${ratio}x of legacy (${theirs}); got ${mine}`);
  },
};

function result(ok: boolean, detail: string): Outcome {
  return { ok, detail };
}

function containsAll(content: string, value: string | string[], ignoreCase: boolean): Outcome {
  const norm = (s: string) => (ignoreCase ? s.toLowerCase() : s);
  const missing = [value].flat().filter((v) => !norm(content).includes(norm(v)));
  const wanted = [value]
    .flat()
    .map((v) => JSON.stringify(v))
    .join(', ');
  return result(missing.length === 0, `contains ${wanted}${ignoreCase ? ' (any case)' : ''}; answer was ${clip(content)}`);
}

function matchesSchema(text: string, schema: JsonSchema, what: string): Outcome {
  const parsed = parseJson(text);
  if (!parsed.ok) return result(false, `${what} is JSON matching the schema; it is not JSON: ${clip(text)}`);
  const issues = validateSchema(schema, parsed.value, {});
  const first = issues[0];
  return result(issues.length === 0, first ? `${what} matches the schema; ${first.path || '(root)'}: ${first.message}` : `${what} matches the schema`);
}

function toolCall(answer: Answer, want: { name?: string; arguments?: JsonSchema }): Outcome {
  const calls = answer.toolCalls.filter((c) => want.name === undefined || c.name === want.name);
  const called = answer.toolCalls.map((c) => c.name ?? '?').join(', ') || 'no tool';
  if (calls.length === 0) return result(false, `a call to ${want.name ?? 'any tool'}; got ${called}`);
  if (!want.arguments) return result(true, `a call to ${want.name ?? 'any tool'} (called ${called})`);
  const outcomes = calls.map((c) => matchesSchema(c.arguments, want.arguments!, `${c.name} arguments`));
  return outcomes.find((o) => 'ok' in o && o.ok) ?? outcomes[0]!;
}

function jsonEqual(mine: Answer, theirs: Answer): Outcome {
  const text = (a: Answer) => (a.toolCalls.length > 0 ? a.toolCalls.map((c) => c.arguments) : [a.content]);
  const parse = (a: Answer) => text(a).map((t) => parseJson(t));
  const [x, y] = [parse(mine), parse(theirs)];
  if (y.some((p) => !p.ok)) return { skip: 'the legacy answer is not JSON' };
  const same = x.every((p) => p.ok) && canonical(x.map((p) => p.value)) === canonical(y.map((p) => p.value));
  return result(same, `JSON equal to legacy ${clip(text(theirs).join(' '))}; got ${clip(text(mine).join(' '))}`);
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false; value?: undefined } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** JSON with object keys sorted, so key order does not count as a difference. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}

function clip(text: string, max = 80): string {
  const one = JSON.stringify(text);
  return one.length > max ? `${one.slice(0, max - 2)}…"` : one;
}
