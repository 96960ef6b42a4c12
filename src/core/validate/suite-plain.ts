import { resolveAssertionName, type Assertion, type AssertionType } from './assertion-schema.js';
import type { CaseSpec, RequestParams, SuiteFile } from './suite-schema.js';

// A hand-written check of the shape most suites have (prompts or plain messages, scalar
// parameters, text and flag assertions). zod's first parse in a fresh process is slow (it
// compiles each object schema as it meets it): about half the time of loading a 250-case suite.
//
// Contract: when this returns a value, suiteSchema.parse returns the same (the same values and
// the same key order, so requests are byte for byte what they were). Anything it is not sure of
// (tools, response_format, json-schema or tool-call assertions, a regex object, a wrong type
// anywhere) returns undefined and zod decides, and words the errors.

class NotPlain extends Error {}

const decline = (): never => {
  throw new NotPlain();
};

type Obj = Record<string, unknown>;

export function plainSuite(data: unknown): SuiteFile | undefined {
  try {
    return suite(data);
  } catch (err) {
    if (err instanceof NotPlain) return undefined;
    throw err;
  }
}

function suite(data: unknown): SuiteFile {
  const s = object(data, SUITE_KEYS);
  const cases = array(s.cases, 1).map(caseOf);
  return {
    ...(s.name !== undefined && { name: string(s.name, 0) }),
    ...(s.description !== undefined && { description: string(s.description, 0) }),
    defaults: s.defaults === undefined ? {} : params(object(s.defaults, PARAM_KEYS)),
    cases,
  };
}

function caseOf(value: unknown): CaseSpec {
  const c = object(value, CASE_KEYS);
  return {
    id: string(c.id, 1),
    ...(c.description !== undefined && { description: string(c.description, 0) }),
    ...(c.prompt !== undefined && { prompt: string(c.prompt, 1) }),
    ...(c.messages !== undefined && { messages: array(c.messages, 1).map(message) }),
    ...params(c),
    repeat: c.repeat === undefined ? 1 : integer(c.repeat, 1, 1000),
    ...(c.vars !== undefined && { vars: array(c.vars, 1).map(varsRow) }),
    assert: c.assert === undefined ? [] : array(c.assert, 0).map(assertion),
  };
}

const ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool']);

/** zod's looseObject: `role` and `content` first, then the other keys as written. */
function message(value: unknown): NonNullable<CaseSpec['messages']>[number] {
  const m = object(value);
  if (typeof m.role !== 'string' || !ROLES.has(m.role)) decline();
  const { role, content, ...rest } = m;
  if (content !== undefined && content !== null && typeof content !== 'string') decline();
  return { role: role as 'user', ...('content' in m && { content: content as string | null }), ...rest };
}

/** The scalar request parameters, in the schema's order; tools and formats are zod's. */
function params(p: Obj): RequestParams {
  const out: RequestParams = {};
  if (p.tools !== undefined || p.tool_choice !== undefined || p.response_format !== undefined) decline();
  if (p.model !== undefined) out.model = string(p.model, 1);
  if (p.stream !== undefined) out.stream = boolean(p.stream);
  if (p.include_usage !== undefined) out.include_usage = boolean(p.include_usage);
  if (p.temperature !== undefined) out.temperature = number(p.temperature, 0, 2);
  if (p.top_p !== undefined) out.top_p = number(p.top_p, 0, 1);
  if (p.seed !== undefined) out.seed = integer(p.seed, -Infinity, Infinity);
  if (p.max_tokens !== undefined) out.max_tokens = integer(p.max_tokens, 1, Infinity);
  if (p.max_completion_tokens !== undefined) out.max_completion_tokens = integer(p.max_completion_tokens, 1, Infinity);
  if (p.stop !== undefined) out.stop = typeof p.stop === 'string' ? p.stop : array(p.stop, 0).map((s) => string(s, 0));
  return out;
}

function varsRow(value: unknown): Record<string, string | number | boolean> {
  const row = object(value);
  const out: Record<string, string | number | boolean> = {};
  for (const [name, v] of Object.entries(row)) {
    if (!/^\w+$/.test(name) || !(typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v)))) decline();
    out[name] = v as string | number | boolean;
  }
  return out;
}

function assertion(raw: unknown): Assertion {
  let name: string;
  let value: unknown;
  if (typeof raw === 'string') [name, value] = [raw, true];
  else {
    const entries = Object.entries(object(raw));
    if (entries.length !== 1) decline();
    [name, value] = entries[0]!;
  }
  const kind = resolveAssertionName(name) ?? decline();
  const check = VALUES[kind.type] ?? decline();
  return { ...kind, value: check(value), name };
}

const text = (v: unknown) => (typeof v === 'string' ? v : array(v, 1).map((s) => string(s, 0)));
const flag = (v: unknown) => (v === true ? v : decline());

/** What each assertion's value must be, as in ASSERTION_VALUES; absent: zod checks it. */
const VALUES: Partial<Record<AssertionType, (v: unknown) => unknown>> = {
  equals: (v) => (typeof v === 'string' || typeof v === 'boolean' ? v : number(v, -Infinity, Infinity)),
  contains: text,
  icontains: text,
  'finish-reason': text,
  regex: (v) => string(v, 0),
  'is-json': flag,
  'usage-present': flag,
  'same-finish-reason': flag,
  'same-tool': flag,
  'json-equal': flag,
  'max-latency-ms': (v) => (number(v, 0, Infinity) > 0 ? v : decline()),
  similar: (v) => number(v, 0, 1),
  'tokens-within': (v) => number(v, 1, Infinity),
};

const SUITE_KEYS = new Set(['name', 'description', 'defaults', 'cases']);
const PARAM_NAMES = ['model', 'stream', 'include_usage', 'tools', 'tool_choice', 'response_format', 'temperature', 'top_p', 'seed', 'max_tokens', 'max_completion_tokens', 'stop'];
const PARAM_KEYS = new Set(PARAM_NAMES);
const CASE_KEYS = new Set(['id', 'description', 'prompt', 'messages', ...PARAM_NAMES, 'repeat', 'vars', 'assert']);

/** A plain mapping; with `keys`, a strict one (an unknown key is zod's to word). */
function object(value: unknown, keys?: ReadonlySet<string>): Obj {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || Object.getPrototypeOf(value) !== Object.prototype) decline();
  const obj = value as Obj;
  for (const key in obj) if (key === '__proto__' || (keys && !keys.has(key))) decline();
  return obj;
}

function array(value: unknown, min: number): unknown[] {
  return Array.isArray(value) && value.length >= min ? value : decline();
}

function string(value: unknown, min: number): string {
  return typeof value === 'string' && value.length >= min ? value : decline();
}

function boolean(value: unknown): boolean {
  return typeof value === 'boolean' ? value : decline();
}

function number(value: unknown, min: number, max: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max ? value : decline();
}

function integer(value: unknown, min: number, max: number): number {
  return Number.isSafeInteger(value) ? number(value, min, max) : decline();
}
