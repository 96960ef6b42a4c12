// fixtures/configs/full.yaml is docs/configuration.md's config reference: it must use every key the schema knows.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

type Schema = {
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
};

const schema = JSON.parse(readFileSync(new URL('../../schema/migrate.schema.json', import.meta.url), 'utf8')) as Schema;
const example = parse(readFileSync(new URL('../../fixtures/configs/full.yaml', import.meta.url), 'utf8'));

/** Every key path the schema allows; `*` stands for a name of the user's (an environment, a model). */
function schemaPaths(s: Schema, path: string, out: Set<string>): Set<string> {
  for (const variant of [...(s.anyOf ?? []), ...(s.oneOf ?? [])]) schemaPaths(variant, path, out);
  for (const [key, sub] of Object.entries(s.properties ?? {})) {
    out.add(`${path}.${key}`);
    schemaPaths(sub, `${path}.${key}`, out);
  }
  if (s.additionalProperties && typeof s.additionalProperties === 'object') schemaPaths(s.additionalProperties, `${path}.*`, out);
  if (s.items) schemaPaths(s.items, `${path}[]`, out);
  return out;
}

/** The schema paths the example sets, walking data and schema together. */
function usedPaths(s: Schema, data: unknown, path: string, out: Set<string>): Set<string> {
  for (const variant of [...(s.anyOf ?? []), ...(s.oneOf ?? [])]) usedPaths(variant, data, path, out);
  if (Array.isArray(data)) {
    if (s.items) for (const item of data) usedPaths(s.items, item, `${path}[]`, out);
    return out;
  }
  if (!data || typeof data !== 'object') return out;
  for (const [key, value] of Object.entries(data)) {
    const known = s.properties?.[key];
    if (known) {
      out.add(`${path}.${key}`);
      usedPaths(known, value, `${path}.${key}`, out);
    } else if (s.additionalProperties && typeof s.additionalProperties === 'object') {
      usedPaths(s.additionalProperties, value, `${path}.*`, out);
    }
  }
  return out;
}

describe('fixtures/configs/full.yaml', () => {
  it('uses every key of migrate.yaml', () => {
    // legacy and target share one schema; an environment's ramp overrides mirror the top-level
    // ramp, so only their first level is asked for.
    const normal = (paths: Set<string>) =>
      new Set([...paths].map((p) => p.replace(/^\.providers\.(legacy|target)/, '.providers.<role>')).filter((p) => !/^\.environments\.\*\.ramp\.[^.]+\./.test(p)));
    const all = normal(schemaPaths(schema, '', new Set()));
    const used = normal(usedPaths(schema, example, '', new Set()));
    expect([...all].filter((p) => !used.has(p))).toEqual([]);
  });
});
