import { addIssue, described } from '../zod.js';
import * as z from '../zod.js';
import { didYouMean } from '../config/issues.js';
import { schemaShapeProblems } from './schema-shape.js';

// Each assertion is a one-key mapping `{ contains: "Paris" }`; flags may be a bare word
// (`- is-json`). Any type takes a `not-` prefix that negates it.

const text = z.union([z.string(), z.array(z.string()).check(z.minLength(1))]);
const flag = z.literal(true, { error: 'expected true (or write the assertion as a bare word)' });
const schemaObject = described(
  z.record(z.string(), z.unknown()).check(
    z.superRefine((schema, ctx) => {
      for (const p of schemaShapeProblems(schema)) ctx.addIssue({ code: 'custom', message: p.message, path: p.path });
    }),
  ),
  'a JSON Schema (type, properties, required, items, enum, const, minimum, pattern, ...)',
);

export const ASSERTION_VALUES = {
  equals: z.union([z.string(), z.number(), z.boolean()]),
  contains: text,
  icontains: text,
  regex: z.union([
    z.string(),
    z.strictObject({
      pattern: z.string(),
      flags: z.optional(z.string().check(z.regex(/^[imsu]*$/))),
    }),
  ]),
  'is-json': flag,
  'json-schema': schemaObject,
  'tool-call': z.union([z.string(), z.strictObject({ name: z.optional(z.string()), arguments: z.optional(schemaObject) })]),
  'finish-reason': z.union([z.string(), z.array(z.string()).check(z.minLength(1))]),
  'max-latency-ms': z.number().check(z.positive()),
  'usage-present': flag,
  // Comparisons with the legacy answer for the same case (skipped when legacy did not run).
  'same-finish-reason': flag,
  'same-tool': flag,
  'json-equal': flag,
  similar: z.union([z.number().check(z.gte(0), z.lte(1)), z.strictObject({ threshold: z.number().check(z.gte(0), z.lte(1)) })]),
  'tokens-within': described(z.number().check(z.gte(1)), 'target completion tokens within legacy x ratio and legacy / ratio'),
} as const;

export type AssertionType = keyof typeof ASSERTION_VALUES;
export const COMPARISONS: ReadonlySet<AssertionType> = new Set(['same-finish-reason', 'same-tool', 'json-equal', 'similar', 'tokens-within']);
const TYPES = Object.keys(ASSERTION_VALUES) as AssertionType[];
const ALIASES: Record<string, { type: AssertionType; negate: boolean }> = { 'not-contains': { type: 'contains', negate: true } };

export interface Assertion {
  type: AssertionType;
  negate: boolean;
  value: unknown;
  /** As written, e.g. `not-contains`. */
  name: string;
}

export const assertionSchema = z.pipe(
  z.union([z.string(), z.record(z.string(), z.unknown())]),
  z.transform((raw: string | Record<string, unknown>, ctx): Assertion => {
    const entries = typeof raw === 'string' ? [[raw, true] as const] : Object.entries(raw);
    if (entries.length !== 1) {
      addIssue(ctx, { code: 'custom', message: `an assertion is one key such as \`contains: text\`, got ${entries.length} keys` });
      return z.NEVER;
    }
    const [name, value] = entries[0]!;
    const kind = resolveAssertionName(name);
    if (!kind) {
      addIssue(ctx, { code: 'custom', message: `unknown assertion "${name}"${didYouMean(name.replace(/^not-/, ''), TYPES)}`, path: typeof raw === 'string' ? [] : [name] });
      return z.NEVER;
    }
    const parsed = ASSERTION_VALUES[kind.type].safeParse(value);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) addIssue(ctx, { ...issue, path: [name, ...issue.path] });
      return z.NEVER;
    }
    return { ...kind, value: parsed.data, name };
  }),
);

/** `not-contains` → contains, negated; undefined for an unknown name. */
export function resolveAssertionName(name: string): { type: AssertionType; negate: boolean } | undefined {
  if (Object.hasOwn(ALIASES, name)) return ALIASES[name];
  const negate = name.startsWith('not-');
  const type = (negate ? name.slice(4) : name) as AssertionType;
  return TYPES.includes(type) ? { type, negate } : undefined;
}
