import * as z from '../zod.js';
import { configSchema } from './schema.js';

type JsonSchema = Record<string, unknown>;

/** A string holding a ${VAR} reference: it becomes a number or boolean after interpolation. */
const VARIABLE: JsonSchema = { type: 'string', pattern: '\\$\\{[A-Za-z_][A-Za-z0-9_]*' };
const SCALARS = new Set(['number', 'integer', 'boolean']);

/**
 * The JSON Schema for migrate.yaml, generated from the zod schema (the input side: defaults
 * optional, durations as strings or numbers) so editors can complete and check the file.
 * scripts/gen-schema.js writes it to schema/migrate.schema.json; a test keeps them in step.
 */
export function buildJsonSchema(): JsonSchema {
  const generated = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const { $schema, ...body } = generated;
  return {
    $schema,
    title: 'migrate.yaml',
    description: 'Configuration for migrate: providers, models, environments, ramp and gates. Strings may use ${VAR} and ${VAR:-default}.',
    ...(allowVariables(body) as JsonSchema),
  };
}

// Numbers, booleans and URLs may be written as ${VAR}; without this, editors would flag them.
function allowVariables(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(allowVariables);
  if (!node || typeof node !== 'object') return node;
  const copy: JsonSchema = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, k === 'default' || k === 'const' || k === 'enum' ? v : allowVariables(v)]));
  const constrainedString = copy.type === 'string' && typeof copy.pattern === 'string';
  if (typeof copy.type !== 'string' || !(SCALARS.has(copy.type) || constrainedString)) return copy;
  const { description, default: fallback, ...rule } = copy;
  return { ...(description === undefined ? {} : { description }), ...(fallback === undefined ? {} : { default: fallback }), anyOf: [rule, VARIABLE] };
}
