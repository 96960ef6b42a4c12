// A tiny JSON Schema checker covering the keywords schema/migrate.schema.json uses, so the
// shipped schema can be tested without a validator dependency. Returns the failing paths.

type Schema = Record<string, unknown>;

export function checkJsonSchema(schema: Schema, value: unknown, path = ''): string[] {
  const errors: string[] = [];
  const fail = (why: string) => errors.push(`${path || '/'}: ${why}`);
  if ('const' in schema && schema.const !== value) fail('const');
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) fail('enum');
  if (schema.type !== undefined && !typeMatches(schema.type, value)) return [`${path || '/'}: type`];
  if (Array.isArray(schema.anyOf) && !schema.anyOf.some((s) => checkJsonSchema(s as Schema, value, path).length === 0)) fail('anyOf');
  if (Array.isArray(schema.oneOf) && schema.oneOf.filter((s) => checkJsonSchema(s as Schema, value, path).length === 0).length !== 1) fail('oneOf');
  if (typeof value === 'number') errors.push(...numberErrors(schema, value, path));
  if (typeof value === 'string') {
    if (typeof schema.minLength === 'number' && value.length < schema.minLength) fail('minLength');
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value)) fail('pattern');
  }
  if (Array.isArray(value)) {
    if (typeof schema.minItems === 'number' && value.length < schema.minItems) fail('minItems');
    if (schema.items) value.forEach((item, i) => errors.push(...checkJsonSchema(schema.items as Schema, item, `${path}/${i}`)));
  }
  if (value && typeof value === 'object' && !Array.isArray(value)) errors.push(...objectErrors(schema, value as Record<string, unknown>, path));
  return errors;
}

function typeMatches(type: unknown, value: unknown): boolean {
  const types = Array.isArray(type) ? type : [type];
  return types.some((t) => {
    if (t === 'integer') return Number.isInteger(value);
    if (t === 'array') return Array.isArray(value);
    if (t === 'object') return value !== null && typeof value === 'object' && !Array.isArray(value);
    if (t === 'null') return value === null;
    return typeof value === t;
  });
}

function numberErrors(schema: Schema, value: number, path: string): string[] {
  const bad =
    (typeof schema.minimum === 'number' && value < schema.minimum) ||
    (typeof schema.maximum === 'number' && value > schema.maximum) ||
    (typeof schema.exclusiveMinimum === 'number' && value <= schema.exclusiveMinimum) ||
    (typeof schema.exclusiveMaximum === 'number' && value >= schema.exclusiveMaximum);
  return bad ? [`${path || '/'}: range`] : [];
}

function objectErrors(schema: Schema, value: Record<string, unknown>, path: string): string[] {
  const errors: string[] = [];
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  for (const key of (schema.required ?? []) as string[]) if (!(key in value)) errors.push(`${path}/${key}: required`);
  for (const [key, item] of Object.entries(value)) {
    if (properties[key]) errors.push(...checkJsonSchema(properties[key], item, `${path}/${key}`));
    else if (schema.additionalProperties === false) errors.push(`${path}/${key}: additional`);
    else if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
      errors.push(...checkJsonSchema(schema.additionalProperties as Schema, item, `${path}/${key}`));
    }
    if (schema.propertyNames) errors.push(...checkJsonSchema(schema.propertyNames as Schema, key, `${path}/${key}(name)`));
  }
  return errors;
}
