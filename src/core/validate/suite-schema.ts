import { described } from '../zod.js';
import * as z from '../zod.js';
import { assertionSchema } from './assertion-schema.js';

// The suite file format (docs/commands.md, "Validation suites"). Objects are strict so a typo is an
// error naming file:line and the nearest known key.

const message = z.looseObject({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool']),
  content: z.optional(z.union([z.string(), z.array(z.unknown()), z.null()])),
});

const tool = z.looseObject({
  type: z.literal('function'),
  function: z.looseObject({
    name: z.string().check(z.minLength(1)),
    description: z.optional(z.string()),
    parameters: z.optional(z.record(z.string(), z.unknown())),
  }),
});

/** Request parameters a case (or the suite's `defaults`) may set; sent as written. */
export const requestParams = {
  model: z.optional(z.string().check(z.minLength(1))),
  stream: z.optional(z.boolean()),
  include_usage: described(z.optional(z.boolean()), 'streams: ask for the usage chunk (default true)'),
  tools: z.optional(z.array(tool).check(z.minLength(1))),
  tool_choice: z.optional(z.union([z.enum(['auto', 'none', 'required']), z.looseObject({ type: z.literal('function') })])),
  response_format: z.optional(z.looseObject({ type: z.enum(['text', 'json_object', 'json_schema']) })),
  temperature: z.optional(z.number().check(z.gte(0), z.lte(2))),
  top_p: z.optional(z.number().check(z.gte(0), z.lte(1))),
  seed: z.optional(z.number().check(z.int())),
  max_tokens: z.optional(z.number().check(z.int(), z.positive())),
  max_completion_tokens: z.optional(z.number().check(z.int(), z.positive())),
  stop: z.optional(z.union([z.string(), z.array(z.string())])),
};

const varsRow = z.record(z.string().check(z.regex(/^\w+$/, 'variable names are letters, digits and _')), z.union([z.string(), z.number(), z.boolean()]));

export const caseSchema = z.strictObject({
  id: z.string().check(z.minLength(1)),
  description: z.optional(z.string()),
  prompt: z.optional(z.string().check(z.minLength(1))),
  messages: z.optional(z.array(message).check(z.minLength(1))),
  ...requestParams,
  repeat: z._default(z.number().check(z.int(), z.gte(1), z.lte(1000)), 1),
  vars: described(z.optional(z.array(varsRow).check(z.minLength(1))), 'one case per row; {{name}} in messages and assertions'),
  assert: z._default(z.array(assertionSchema), []),
});

export const suiteSchema = z.strictObject({
  name: z.optional(z.string()),
  description: z.optional(z.string()),
  defaults: z._default(z.strictObject(requestParams), {}),
  cases: z.array(caseSchema).check(z.minLength(1)),
});

export type SuiteFile = z.output<typeof suiteSchema>;
export type CaseSpec = z.output<typeof caseSchema>;
export type RequestParams = z.output<z.ZodMiniObject<typeof requestParams>>;
