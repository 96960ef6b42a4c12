import { describe, expect, it } from 'vitest';
import { validateSchema, type SchemaRegistry } from '../../src/core/openai/json-schema.js';
import { OPENAI_SCHEMAS, SCHEMA_SOURCE } from '../../src/core/openai/schemas.js';

const registry: SchemaRegistry = {
  Thing: { type: 'object', required: ['id'], properties: { id: { type: 'integer' }, kind: { type: 'string', enum: ['a', 'b'] } } },
};

describe('json-schema subset', () => {
  it('accepts a valid value and unknown extra fields', () => {
    expect(validateSchema({ $ref: '#/components/schemas/Thing' }, { id: 1, kind: 'a', extra: true }, registry)).toEqual([]);
  });

  it('reports required, type and enum with the path', () => {
    const issues = validateSchema({ type: 'array', items: { $ref: '#/x/Thing' } }, [{ kind: 'c' }, { id: 1.5 }], registry);
    expect(issues).toEqual([
      { keyword: 'required', path: '[0].id', message: 'required field is missing' },
      { keyword: 'enum', path: '[0].kind', message: 'expected one of "a", "b", got "c"' },
      { keyword: 'type', path: '[1].id', message: 'expected integer, got number' },
    ]);
  });

  it('handles nullable, anyOf with null, allOf and oneOf', () => {
    expect(validateSchema({ type: 'string', nullable: true }, null, registry)).toEqual([]);
    expect(validateSchema({ anyOf: [{ type: 'string' }, { type: 'null' }] }, null, registry)).toEqual([]);
    expect(validateSchema({ anyOf: [{ type: 'string' }, { type: 'null' }] }, 3, registry)[0]!.message).toBe('expected string or null, got integer');
    expect(
      validateSchema(
        {
          allOf: [
            { type: 'object', required: ['a'] },
            { type: 'object', required: ['b'] },
          ],
        },
        { a: 1 },
        registry,
      ),
    ).toHaveLength(1);
    expect(validateSchema({ oneOf: [{ $ref: '#/Thing' }, { type: 'string' }] }, 'x', registry)).toEqual([]);
    // closest branch's issues are reported when none matches
    expect(validateSchema({ oneOf: [{ $ref: '#/Thing' }, { type: 'string' }] }, { id: 'x' }, registry)[0]!.path).toBe('id');
  });

  it('ships the schemas with their source named', () => {
    expect(SCHEMA_SOURCE.repository).toBe('https://github.com/openai/openai-openapi');
    expect(SCHEMA_SOURCE.commit).toMatch(/^[0-9a-f]{40}$/);
    for (const name of ['CreateChatCompletionResponse', 'CreateChatCompletionStreamResponse', 'ErrorResponse', 'ListModelsResponse', 'CompletionUsage']) {
      expect(OPENAI_SCHEMAS[name]).toBeDefined();
    }
  });
});
