// A validator for the JSON-Schema subset OpenAI's OpenAPI document uses for responses (type,
// required, properties, items, enum, nullable, anyOf/oneOf/allOf, $ref). Extra fields are
// always allowed: relays add their own and clients ignore them. Kept local rather than a
// dependency because the subset is small and the messages must read well to a user.

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  nullable?: boolean;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  $ref?: string;
  title?: string;
  // Constraints OpenAI's response schemas do not use but suite authors' json-schema asserts do.
  const?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minItems?: number;
  maxItems?: number;
  additionalProperties?: boolean | JsonSchema;
}

export type SchemaKeyword = 'required' | 'type' | 'enum' | 'constraint';

export interface SchemaIssue {
  keyword: SchemaKeyword;
  /** JSON path of the offending value, e.g. `choices[0].message.content`. */
  path: string;
  message: string;
}

export type SchemaRegistry = Record<string, JsonSchema>;

export function validateSchema(schema: JsonSchema, value: unknown, registry: SchemaRegistry, path = ''): SchemaIssue[] {
  if (value === null && schema.nullable) return [];
  if (schema.$ref) return validateSchema(resolve(schema.$ref, registry), value, registry, path);
  if (schema.allOf) {
    const issues = schema.allOf.flatMap((s) => validateSchema(s, value, registry, path));
    if (issues.length) return issues;
  }
  const variants = schema.anyOf ?? schema.oneOf;
  // oneOf is checked like anyOf: the document's oneOf branches are told apart by a
  // discriminator, and a value matching two of them is still one a client accepts.
  if (variants) {
    const issues = validateVariants(variants, value, registry, path);
    if (issues.length) return issues;
  }
  return validateOwn(schema, value, registry, path);
}

function validateOwn(schema: JsonSchema, value: unknown, registry: SchemaRegistry, path: string): SchemaIssue[] {
  if (schema.type !== undefined && !typeMatches(schema.type, value, schema.nullable)) {
    return [{ keyword: 'type', path, message: `expected ${describeTypes(schema.type, schema.nullable)}, got ${typeOf(value)}` }];
  }
  if (schema.enum && !schema.enum.some((e) => e === value) && !(value === null && schema.nullable)) {
    return [{ keyword: 'enum', path, message: `expected one of ${schema.enum.map((e) => JSON.stringify(e)).join(', ')}, got ${JSON.stringify(value)}` }];
  }
  if ('const' in schema && JSON.stringify(schema.const) !== JSON.stringify(value)) {
    return [{ keyword: 'enum', path, message: `expected ${JSON.stringify(schema.const)}, got ${JSON.stringify(value)}` }];
  }
  const constraint = checkConstraints(schema, value);
  if (constraint) return [{ keyword: 'constraint', path, message: constraint }];
  if (Array.isArray(value) && schema.items) {
    return value.flatMap((item, i) => validateSchema(schema.items!, item, registry, `${path}[${i}]`));
  }
  if (isObject(value)) return validateObject(schema, value, registry, path);
  return [];
}

function checkConstraints(schema: JsonSchema, value: unknown): string | undefined {
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) return `must be >= ${schema.minimum}, got ${value}`;
    if (schema.maximum !== undefined && value > schema.maximum) return `must be <= ${schema.maximum}, got ${value}`;
  }
  if (typeof value === 'string') {
    // Counted in code points, and only when asked: every response's content passes through here.
    const length = schema.minLength !== undefined || schema.maxLength !== undefined ? [...value].length : 0;
    if (schema.minLength !== undefined && length < schema.minLength) return `must be at least ${schema.minLength} characters, got ${length}`;
    if (schema.maxLength !== undefined && length > schema.maxLength) return `must be at most ${schema.maxLength} characters, got ${length}`;
    if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(value)) return `must match /${schema.pattern}/`;
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) return `needs at least ${schema.minItems} items, got ${value.length}`;
    if (schema.maxItems !== undefined && value.length > schema.maxItems) return `allows at most ${schema.maxItems} items, got ${value.length}`;
  }
  return undefined;
}

function validateObject(schema: JsonSchema, value: Record<string, unknown>, registry: SchemaRegistry, path: string): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  for (const key of schema.required ?? []) {
    if (!(key in value)) issues.push({ keyword: 'required', path: join(path, key), message: 'required field is missing' });
  }
  const properties = schema.properties ?? {};
  for (const key in properties) {
    if (key in value) issues.push(...validateSchema(properties[key]!, value[key], registry, join(path, key)));
  }
  // Extra fields are allowed unless a suite's schema says `additionalProperties: false`.
  const extra = schema.additionalProperties;
  if (extra === undefined || extra === true) return issues;
  for (const key of Object.keys(value).filter((k) => !(k in properties))) {
    if (extra === false) issues.push({ keyword: 'constraint', path: join(path, key), message: 'field is not allowed' });
    else if (typeof extra === 'object') issues.push(...validateSchema(extra, value[key], registry, join(path, key)));
  }
  return issues;
}

/** When no branch matches, report the branch that came closest (fewest issues), or a type union. */
function validateVariants(variants: JsonSchema[], value: unknown, registry: SchemaRegistry, path: string): SchemaIssue[] {
  const results = variants.map((v) => validateSchema(v, value, registry, path));
  if (results.some((r) => r.length === 0)) return [];
  const typeOnly = results.every((r) => r.length === 1 && r[0]!.keyword === 'type' && r[0]!.path === path);
  if (typeOnly) {
    const types = variants.map((v) => describeTypes(resolveType(v, registry) ?? 'value'));
    return [{ keyword: 'type', path, message: `expected ${[...new Set(types)].join(' or ')}, got ${typeOf(value)}` }];
  }
  return results.reduce((best, r) => (r.length < best.length ? r : best));
}

function resolveType(schema: JsonSchema, registry: SchemaRegistry): string | string[] | undefined {
  return schema.$ref ? resolveType(resolve(schema.$ref, registry), registry) : schema.type;
}

function resolve(ref: string, registry: SchemaRegistry): JsonSchema {
  const name = ref.slice(ref.lastIndexOf('/') + 1);
  const schema = registry[name];
  if (!schema) throw new Error(`schema ${ref} is not in the registry`);
  return schema;
}

function typeMatches(type: string | string[], value: unknown, nullable?: boolean): boolean {
  if (value === null && nullable) return true;
  const types = Array.isArray(type) ? type : [type];
  return types.some((t) => {
    switch (t) {
      case 'integer':
        return Number.isInteger(value);
      case 'number':
        return typeof value === 'number' && Number.isFinite(value);
      case 'null':
        return value === null;
      case 'array':
        return Array.isArray(value);
      case 'object':
        return isObject(value);
      default:
        return typeof value === t;
    }
  });
}

function describeTypes(type: string | string[], nullable?: boolean): string {
  const types = Array.isArray(type) ? [...type] : [type];
  if (nullable) types.push('null');
  return types.join(' or ');
}

export function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (Number.isInteger(value)) return 'integer';
  return typeof value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}
