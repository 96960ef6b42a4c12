import type { z } from 'zod';
import type { KeyPath } from './source.js';

// Just the parts of zod 4's schema definitions needed to find the keys an object accepts.
interface Def {
  type: string;
  shape?: Record<string, Schema>;
  valueType?: Schema;
  element?: Schema;
  innerType?: Schema;
  in?: Schema;
  options?: Schema[];
  getter?: () => Schema;
}
type Schema = { _zod: { def: Def } };

/**
 * The keys the object schema at `path` accepts, for "did you mean" on an unknown key.
 * `data` is the input, used to pick the branch of a union (e.g. the traffic driver in use).
 */
export function knownKeys(schema: z.ZodType, keys: KeyPath, data: unknown): string[] {
  let node: Schema | undefined = schema;
  let value = data;
  for (const key of keys) {
    node = child(pickBranch(node, value), key);
    value = value && typeof value === 'object' ? (value as Record<string | number, unknown>)[key] : undefined;
  }
  const object = pickBranch(node, value);
  return object?._zod.def.shape ? Object.keys(object._zod.def.shape) : [];
}

function unwrap(node: Schema | undefined): Schema | undefined {
  let current = node;
  while (current) {
    const def: Def = current._zod.def;
    if (def.innerType) current = def.innerType;
    else if (def.type === 'pipe' && def.in) current = def.in;
    else if (def.type === 'lazy' && def.getter) current = def.getter();
    else return current;
  }
  return current;
}

function child(node: Schema | undefined, key: string | number): Schema | undefined {
  const def = node?._zod.def;
  if (!def) return undefined;
  if (def.shape) return def.shape[String(key)];
  return def.valueType ?? def.element;
}

/** For a union, the object branch whose literal fields (like `driver: nginx`) match the data. */
function pickBranch(node: Schema | undefined, value: unknown): Schema | undefined {
  const current = unwrap(node);
  const options = current?._zod.def.options;
  if (!options) return current;
  const objects = options.map(unwrap).filter((o): o is Schema => Boolean(o?._zod.def.shape));
  return objects.find((o) => matchesLiterals(o, value)) ?? objects[0];
}

function matchesLiterals(object: Schema, value: unknown): boolean {
  if (!value || typeof value !== 'object') return false;
  return Object.entries(object._zod.def.shape ?? {}).every(([key, field]) => {
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- tsc needs it: Def has no `values` (the rule's fix breaks the build)
    const literal = unwrap(field)?._zod.def as { type: string; values?: unknown[] } | undefined;
    return literal?.type !== 'literal' || (literal.values ?? []).includes((value as Record<string, unknown>)[key]);
  });
}
