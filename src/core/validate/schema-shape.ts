// A suite's `json-schema` and `tool-call.arguments` values are checked when the suite loads, so a
// typo (`type: objectt`) is a suite error naming its line, not a puzzling case failure later.

const JSON_TYPES = ['object', 'array', 'string', 'number', 'integer', 'boolean', 'null'];

export interface ShapeProblem {
  path: (string | number)[];
  message: string;
}

export function schemaShapeProblems(schema: unknown, path: (string | number)[] = []): ShapeProblem[] {
  if (typeof schema === 'boolean') return [];
  if (!schema || typeof schema !== 'object' || Array.isArray(schema)) return [{ path, message: 'expected a JSON Schema object' }];
  const s = schema as Record<string, unknown>;
  const problems: ShapeProblem[] = [];
  const types = Array.isArray(s.type) ? s.type : s.type === undefined ? [] : [s.type];
  for (const t of types) {
    if (typeof t !== 'string' || !JSON_TYPES.includes(t)) problems.push({ path: [...path, 'type'], message: `unknown type ${JSON.stringify(t)} (use ${JSON_TYPES.join(', ')})` });
  }
  if (s.required !== undefined && !(Array.isArray(s.required) && s.required.every((r) => typeof r === 'string'))) {
    problems.push({ path: [...path, 'required'], message: 'expected a list of property names' });
  }
  if (s.enum !== undefined && !Array.isArray(s.enum)) problems.push({ path: [...path, 'enum'], message: 'expected a list' });
  if (s.properties !== undefined) {
    if (!s.properties || typeof s.properties !== 'object' || Array.isArray(s.properties))
      problems.push({ path: [...path, 'properties'], message: 'expected a mapping of property schemas' });
    else for (const [name, sub] of Object.entries(s.properties)) problems.push(...schemaShapeProblems(sub, [...path, 'properties', name]));
  }
  if (s.items !== undefined) problems.push(...schemaShapeProblems(s.items, [...path, 'items']));
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    if (s[key] === undefined) continue;
    if (!Array.isArray(s[key])) problems.push({ path: [...path, key], message: 'expected a list of schemas' });
    else (s[key] as unknown[]).forEach((sub, i) => problems.push(...schemaShapeProblems(sub, [...path, key, i])));
  }
  return problems;
}
