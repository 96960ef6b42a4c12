import { z } from '../zod.js';
import { assertionSchema } from './assertion-schema.js';

// The suite file format (docs/commands.md, "Validation suites"). Objects are strict so a typo is an
// error naming file:line and the nearest known key.

const message = z.looseObject({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool']),
  content: z.union([z.string(), z.array(z.unknown()), z.null()]).optional(),
});

const tool = z.looseObject({
  type: z.literal('function'),
  function: z.looseObject({ name: z.string().min(1), description: z.string().optional(), parameters: z.record(z.string(), z.unknown()).optional() }),
});

/** Request parameters a case (or the suite's `defaults`) may set; sent as written. */
export const requestParams = {
  model: z.string().min(1).optional(),
  stream: z.boolean().optional(),
  include_usage: z.boolean().optional().meta({ description: 'streams: ask for the usage chunk (default true)' }),
  tools: z.array(tool).min(1).optional(),
  tool_choice: z.union([z.enum(['auto', 'none', 'required']), z.looseObject({ type: z.literal('function') })]).optional(),
  response_format: z.looseObject({ type: z.enum(['text', 'json_object', 'json_schema']) }).optional(),
  temperature: z.number().min(0).max(2).optional(),
  top_p: z.number().min(0).max(1).optional(),
  seed: z.number().int().optional(),
  max_tokens: z.number().int().positive().optional(),
  max_completion_tokens: z.number().int().positive().optional(),
  stop: z.union([z.string(), z.array(z.string())]).optional(),
};

const varsRow = z.record(z.string().regex(/^\w+$/, 'variable names are letters, digits and _'), z.union([z.string(), z.number(), z.boolean()]));

export const caseSchema = z.strictObject({
  id: z.string().min(1),
  description: z.string().optional(),
  prompt: z.string().min(1).optional(),
  messages: z.array(message).min(1).optional(),
  ...requestParams,
  repeat: z.number().int().min(1).max(1000).default(1),
  vars: z.array(varsRow).min(1).optional().meta({ description: 'one case per row; {{name}} in messages and assertions' }),
  assert: z.array(assertionSchema).default([]),
});

export const suiteSchema = z.strictObject({
  name: z.string().optional(),
  description: z.string().optional(),
  defaults: z.strictObject(requestParams).default({}),
  cases: z.array(caseSchema).min(1),
});

export type SuiteFile = z.output<typeof suiteSchema>;
export type CaseSpec = z.output<typeof caseSchema>;
export type RequestParams = z.output<z.ZodObject<typeof requestParams>>;
