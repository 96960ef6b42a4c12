import { describe, expect, it } from 'vitest';
import { readYamlFast } from '../../src/core/config/fast-yaml.js';
import { parseYamlSource } from '../../src/core/config/source.js';
import { parseSuite } from '../../src/core/validate/suite.js';
import { plainSuite } from '../../src/core/validate/suite-plain.js';
import { suiteSchema } from '../../src/core/validate/suite-schema.js';
import { MigrateError } from '../../src/errors.js';

// Plain suites are checked by hand instead of by zod (whose first parse in a fresh process is
// slow). The hand check may step aside (undefined) whenever it likes, but when it answers it must
// answer exactly what zod would: the same values in the same key order, since that order is the
// order of the JSON sent to providers.

const FILE = '/srv/app/suites/app.yaml';
const data = (text: string) => parseYamlSource(text, FILE, { cwd: '/srv/app' }).data;

function expectSameAsZod(input: unknown): void {
  const plain = plainSuite(input);
  expect(plain, 'the hand check should accept this suite').toBeDefined();
  expect(JSON.stringify(plain)).toBe(JSON.stringify(suiteSchema.parse(input)));
}

const PLAIN = `name: plain
description: every field the hand check accepts
defaults: { model: gpt-4o, temperature: 0.2, max_tokens: 100, stop: [END] }
cases:
  - id: a
    prompt: 'Reply "a"'
    stream: true
    assert: [{ icontains: "a" }, same-finish-reason, { contains: [x, y] }, { regex: "^a" }, not-contains: z]
  - id: b
    description: messages with extra keys, vars, repeats
    messages:
      - { content: "{{who}}", role: user, name: bob }
      - { role: assistant, content: null }
      - { role: system }
    vars: [{ who: x, n: 1 }, { who: y, n: 2.5, ok: true }]
    repeat: 3
    seed: -4
    include_usage: false
    top_p: 1
    max_completion_tokens: 9
    stop: STOP
    assert:
      - equals: 3
      - finish-reason: [stop, length]
      - is-json
      - usage-present
      - same-tool
      - json-equal
      - max-latency-ms: 0.5
      - similar: 1
      - tokens-within: 1.5
      - not-equals: "x"
  - { id: c, prompt: p, model: m, temperature: 2, assert: [] }
`;

describe('the hand check of plain suites', () => {
  it('gives what zod gives, key order included, for every field it accepts', () => {
    expectSameAsZod(data(PLAIN));
    expectSameAsZod(readYamlFast(PLAIN)!.data); // the data the quick read hands it
    expectSameAsZod({ cases: [{ id: 'only', prompt: 'x' }] });
  });

  it('steps aside for what only zod checks: tools, formats, schemas, regex objects, unknown keys, wrong types', () => {
    const base = { id: 'a', prompt: 'x' };
    const declined = [
      { ...base, tools: [{ type: 'function', function: { name: 'f' } }] },
      { ...base, tool_choice: 'auto' },
      { ...base, response_format: { type: 'json_object' } },
      { ...base, assert: [{ 'json-schema': { type: 'object' } }] },
      { ...base, assert: [{ 'tool-call': 'f' }] },
      { ...base, assert: [{ regex: { pattern: 'a' } }] },
      { ...base, assert: [{ similar: { threshold: 0.5 } }] },
      { ...base, assert: [{ contains: 'a', icontains: 'b' }] },
      { ...base, assert: ['constructor'] },
      { ...base, messages: [{ role: 'user', content: [{ type: 'text', text: 'x' }] }] },
      { ...base, promt: 'typo' },
      { ...base, seed: 1.5 },
    ];
    for (const c of declined) expect([c, plainSuite({ cases: [c] })]).toEqual([c, undefined]);
    expect(plainSuite({ cases: [] })).toBeUndefined();
    expect(plainSuite(null)).toBeUndefined();
    expect(plainSuite({ cases: [base], extra: 1 })).toBeUndefined();
  });

  it('never accepts what zod rejects, nor answers differently: each field swept through odd values', () => {
    const odd = [null, '', 'x', 'not-contains', 0, -1, 0.5, 1, 1.5, 2, 3, 1000, 1001, 2 ** 60, true, false, [], ['a'], [1], [''], {}, { a: 1 }, { contains: 'x' }];
    const parsed = data(PLAIN);
    const base = () => structuredClone(parsed) as { defaults: Record<string, unknown>; cases: Array<Record<string, unknown>> };
    const fields = [
      'id',
      'description',
      'prompt',
      'messages',
      'model',
      'stream',
      'include_usage',
      'temperature',
      'top_p',
      'seed',
      'max_tokens',
      'max_completion_tokens',
      'stop',
      'repeat',
      'vars',
      'assert',
    ];
    let accepted = 0;
    let rejectedByZod = 0;
    const sweep = (input: unknown) => {
      const plain = plainSuite(input);
      const zod = suiteSchema.safeParse(input);
      if (!zod.success) rejectedByZod++;
      if (plain === undefined) return;
      accepted++;
      expect(zod.success, JSON.stringify(input)).toBe(true);
      expect(JSON.stringify(plain)).toBe(JSON.stringify(zod.data));
    };
    for (const value of odd) {
      for (const field of fields) {
        const suite = base();
        suite.cases[1]![field] = value;
        sweep(suite);
      }
      for (const field of ['model', 'temperature', 'stop', 'seed', 'name', 'description']) {
        const suite = base() as Record<string, unknown> & ReturnType<typeof base>;
        if (field === 'name' || field === 'description') suite[field] = value;
        else suite.defaults[field] = value;
        sweep(suite);
      }
      for (const shape of [(v: unknown) => [{ similar: v }], (v: unknown) => [{ equals: v }], (v: unknown) => [{ 'max-latency-ms': v }], (v: unknown) => [v]]) {
        const suite = base();
        suite.cases[0]!.assert = shape(value);
        sweep(suite);
      }
      const suite = base();
      (suite.cases[1]!.messages as unknown[])[0] = { role: 'user', content: value };
      sweep(suite);
      const vars = base();
      vars.cases[1]!.vars = [{ who: value }];
      sweep(vars);
    }
    // The sweep means something only if both outcomes happened many times.
    expect(accepted).toBeGreaterThan(100);
    expect(rejectedByZod).toBeGreaterThan(200);
  });

  it('a suite read the quick way (hand check) and the full way (yaml, zod) gives the same runs, byte for byte', () => {
    // A tag sends the text down the full path; the data is otherwise the same.
    const quick = parseSuite(PLAIN, FILE, '/srv/app');
    const full = parseSuite(PLAIN.replace('name: plain', 'name: !!str plain'), FILE, '/srv/app');
    expect(quick.runs.length).toBe(8);
    expect(JSON.stringify(quick)).toBe(JSON.stringify(full));
  });

  it('an assertion named like an Object property is an unknown assertion (exit 2), not a crash', () => {
    try {
      parseSuite('cases:\n  - id: a\n    prompt: hi\n    assert: [constructor]\n', FILE, '/srv/app');
      expect.unreachable('the suite should be rejected');
    } catch (err) {
      expect(err).toBeInstanceOf(MigrateError);
      expect((err as MigrateError).exitCode).toBe(2);
      expect((err as MigrateError).message).toBe('suites/app.yaml:4 cases[0].assert[0]: unknown assertion "constructor"');
    }
  });
});
