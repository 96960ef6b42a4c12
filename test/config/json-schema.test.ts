import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildJsonSchema } from '../../src/core/config/json-schema.js';
import { configSchema } from '../../src/core/config/schema.js';
import { FIXTURES, ROOT } from './helpers.js';
import { checkJsonSchema } from './json-schema-check.js';

const shipped = JSON.parse(readFileSync(path.join(ROOT, 'schema/migrate.schema.json'), 'utf8'));
const fixture = (name: string) => parse(readFileSync(path.join(FIXTURES, name), 'utf8'));

describe('schema/migrate.schema.json', () => {
  it('is in step with the zod schema (regenerate: npm run build && node scripts/gen-schema.js)', () => {
    expect(shipped).toEqual(JSON.parse(JSON.stringify(buildJsonSchema())));
  });

  it('accepts the full example as written, ${VAR}s included', () => {
    expect(checkJsonSchema(shipped, fixture('full.yaml'))).toEqual([]);
    expect(checkJsonSchema(shipped, fixture('minimal.yaml'))).toEqual([]);
  });

  it('rejects the broken example where zod does', () => {
    const errors = checkJsonSchema(shipped, fixture('broken-types.yaml'));
    expect(errors).toEqual(
      expect.arrayContaining([
        '/providers/target/timeoutMs: anyOf',
        '/providers/target/nodes/0/baseURL: additional',
        '/providers/target/nodes/0/baseUrl: required',
        '/environments/canary/compose/services: type',
        '/environments/canary/trafic: additional',
      ]),
    );
  });

  it('agrees with zod on small variations of a valid config', () => {
    const base = { version: 1, providers: { legacy: { baseUrl: 'https://a/v1', apiKey: 'k' }, target: { baseUrl: 'https://b/v1', apiKey: 'k' } }, models: ['m'] };
    const variants: unknown[] = [
      base,
      { ...base, version: 2 },
      { ...base, models: [] },
      { ...base, stateDir: 3 },
      { ...base, ramp: { stages: [5, 101] } },
      { ...base, ramp: { gates: { maxErrorRate: 0.5, minSamples: 3 } } },
      { ...base, environments: { c: { envFiles: ['.env'], traffic: { driver: 'nginx', file: 'x' } } } },
      { ...base, environments: { c: { envFiles: ['.env'], traffic: { driver: 'nginx' } } } },
      { ...base, environments: { c: { envFiles: ['.env'], traffic: { driver: 'nope' } } } },
      { ...base, providers: { ...base.providers, target: { baseUrl: 'ftp://x', apiKey: 'k' } } },
    ];
    for (const variant of variants) {
      const zodSays = configSchema.safeParse(variant).success;
      expect({ variant, valid: checkJsonSchema(shipped, variant).length === 0 }).toEqual({ variant, valid: zodSays });
    }
  });
});
