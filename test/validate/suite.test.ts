import { describe, expect, it } from 'vitest';
import { MigrateError } from '../../src/errors.js';
import { DEFAULT_SUITE, loadSuites, parseSuite } from '../../src/core/validate/suite.js';

const FILE = '/srv/app/suites/app.yaml';
const parse = (text: string) => parseSuite(text, FILE, '/srv/app');

function problems(text: string): string[] {
  try {
    parse(text);
  } catch (err) {
    expect(err).toBeInstanceOf(MigrateError);
    const e = err as MigrateError;
    expect(e.exitCode).toBe(2);
    return e.details.length ? e.details : [e.message];
  }
  throw new Error('expected the suite to be rejected');
}

describe('suite files', () => {
  it('the built-in suite parses and covers chat, streaming, tools, JSON mode, long output, Chinese and a system prompt', async () => {
    const [suite] = await loadSuites([DEFAULT_SUITE], process.cwd());
    const runs = suite!.runs;
    expect(runs.some((r) => r.params.stream && !r.params.tools)).toBe(true);
    expect(runs.some((r) => r.params.stream && r.params.tools)).toBe(true);
    expect(runs.some((r) => r.params.response_format?.type === 'json_object')).toBe(true);
    expect(runs.some((r) => r.messages.some((m) => m.role === 'system'))).toBe(true);
    expect(runs.some((r) => /[\u4e00-\u9fff]/.test(String(r.messages[0]!.content)))).toBe(true);
    expect(runs.some((r) => (r.params.max_tokens ?? 0) >= 1000)).toBe(true);
  });

  it('expands vars rows and repeats into keyed runs with filled messages and assertions', () => {
    const suite = parse(`
defaults: { model: gpt-4o, temperature: 0 }
cases:
  - id: capital
    prompt: "Capital of {{country}}?"
    repeat: 2
    vars:
      - { country: France, city: Paris }
      - { country: 日本, city: 東京 }
    assert:
      - contains: "{{city}}"
      - not-icontains: "sorry"
`);
    expect(suite.name).toBe('app');
    expect(suite.runs.map((r) => r.key)).toEqual(['capital[1]#1', 'capital[1]#2', 'capital[2]#1', 'capital[2]#2']);
    expect(suite.runs[2]!.messages).toEqual([{ role: 'user', content: 'Capital of 日本?' }]);
    expect(suite.runs[2]!.assertions[0]).toEqual({ type: 'contains', negate: false, value: '東京', name: 'contains' });
    expect(suite.runs[0]!.assertions[1]).toMatchObject({ type: 'icontains', negate: true });
    expect(suite.runs[0]!.params).toEqual({ model: 'gpt-4o', temperature: 0 });
    expect(suite.runs[0]!.line).toBe(4);
  });

  it('bare-word flags and object forms of assertions', () => {
    const suite = parse(`
cases:
  - id: a
    prompt: hi
    assert: [is-json, usage-present, { regex: { pattern: "^h", flags: i } }, { similar: { threshold: 0.4 } }, not-contains: x]
`);
    expect(suite.runs[0]!.assertions.map((a) => a.name)).toEqual(['is-json', 'usage-present', 'regex', 'similar', 'not-contains']);
  });

  it('errors name file, line and field, all at once', () => {
    expect(
      problems(`cases:
  - id: one
    prompt: hi
    temprature: 0
    assert:
      - contians: x
      - max-latency-ms: fast
  - id: one
    prompt: hi
    messages: [{ role: user, content: hi }]
`),
    ).toEqual([
      'suites/app.yaml:4 cases[0].temprature: unknown key (did you mean "temperature"?)',
      'suites/app.yaml:6 cases[0].assert[0].contians: unknown assertion "contians" (did you mean "contains"?)',
      'suites/app.yaml:7 cases[0].assert[1].max-latency-ms: expected a number, got a string',
    ]);
  });

  it('cross-field problems: prompt and messages, duplicate ids, unset variables', () => {
    expect(
      problems(`cases:
  - id: one
    prompt: hi
    messages: [{ role: user, content: hi }]
  - id: one
    prompt: "{{who}}"
  - id: two
    prompt: "{{a}} {{b}}"
    vars:
      - { a: 1, b: 2 }
      - { a: 1 }
`),
    ).toEqual([
      'suites/app.yaml:2 cases[0]: give exactly one of prompt or messages',
      'suites/app.yaml:5 cases[1].id: duplicate id "one" (first at cases[0])',
      'suites/app.yaml:5 cases[1].id: {{who}} used but not set (add a vars table)',
      'suites/app.yaml:11 cases[2].vars[1]: {{b}} used but not set in this row',
    ]);
  });

  it('a regex that does not compile (after vars are filled) is a suite error, not a failed case', () => {
    const lines = problems(`cases:
  - id: one
    prompt: hi
    assert:
      - contains: hi
      - regex: "(("
  - id: two
    prompt: hi
    vars: [{ p: "ok" }, { p: "[" }]
    assert:
      - not-regex: { pattern: "{{p}}" }
`);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^suites\/app\.yaml:6 cases\[0\]\.assert\[1\]\.regex: Invalid regular expression/);
    expect(lines[1]).toMatch(/^suites\/app\.yaml:11 cases\[1\]\.assert\[0\]\.not-regex: Invalid regular expression: \/\[\//);
  });

  it('a json-schema with an unknown type is a suite error naming its line', () => {
    const lines = problems(`cases:
  - id: one
    prompt: hi
    assert:
      - json-schema:
          type: object
          properties:
            city: { type: strng }
          required: city
`);
    expect(lines).toEqual([
      'suites/app.yaml:8 cases[0].assert[0].json-schema.properties.city.type: unknown type "strng" (use object, array, string, number, integer, boolean, null)',
      'suites/app.yaml:9 cases[0].assert[0].json-schema.required: expected a list of property names',
    ]);
  });

  it('YAML syntax errors and a missing cases list', () => {
    expect(problems('cases: [\n')[0]).toMatch(/^suites\/app\.yaml:\d+ YAML syntax error/);
    expect(problems('name: x\n')).toEqual(['suites/app.yaml:1 cases: required']);
  });

  it('a missing suite file is a usage error', async () => {
    await expect(loadSuites(['nope.yaml'], '/tmp')).rejects.toMatchObject({ exitCode: 2, message: 'suite file nope.yaml: not found' });
  });
});
