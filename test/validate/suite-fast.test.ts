import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readYamlFast } from '../../src/core/config/fast-yaml.js';
import { parseYamlSource, type KeyPath } from '../../src/core/config/source.js';
import { DEFAULT_SUITE, parseSuite } from '../../src/core/validate/suite.js';
import { MigrateError } from '../../src/errors.js';

// Suites are read with js-yaml when they are valid (several times faster) and with `yaml`'s
// line-aware parser otherwise. These tests hold the two to the same data and lines, and show the
// cases where the quick read must step aside.

const FILE = '/srv/app/suites/app.yaml';

/** Every item of a top-level list (as each of `cases`), with its key path. */
function itemLines(data: unknown): Array<[KeyPath, unknown]> {
  return Object.entries(data as Record<string, unknown>).flatMap(([key, list]) =>
    Array.isArray(list) ? list.flatMap((v, i): Array<[KeyPath, unknown]> => (v !== null && typeof v === 'object' ? [[[key, i], v]] : [])) : [],
  );
}

function expectSameAsYaml(text: string): void {
  const fast = readYamlFast(text);
  expect(fast, 'the quick read should accept this text').toBeDefined();
  const full = parseYamlSource(text, FILE, { cwd: '/srv/app' });
  expect(fast!.data).toEqual(full.data);
  const items = itemLines(fast!.data);
  expect(items.length).toBeGreaterThan(0);
  for (const [keys, value] of items) expect([keys, fast!.lineOf(value as object)]).toEqual([keys, full.lineOf(keys)]);
}

function rejection(text: string): string[] {
  try {
    parseSuite(text, FILE, '/srv/app');
  } catch (err) {
    expect(err).toBeInstanceOf(MigrateError);
    const e = err as MigrateError;
    return e.details.length ? e.details : [e.message];
  }
  throw new Error('expected the suite to be rejected');
}

describe('the quick suite read', () => {
  it('gives the data and item lines `yaml` gives: items on the next line, flow lists, comments, block scalars', () => {
    expectSameAsYaml(`# comment
name: x
cases:
  -
    id: a
    prompt: |
      two
      lines
  - id: b   # trailing comment

    messages: [{ role: user, content: "hi" }, { role: system, content: 'x' }]
    assert: [{ icontains: "a" }, same-finish-reason]
`);
    expectSameAsYaml('cases: [{ id: a, prompt: hi }, { id: b,\n  prompt: there }]\n');
    expectSameAsYaml('cases:\n- id: a\n  prompt: hi\n- id: b\n  prompt: >-\n    folded\n    text\n');
    expectSameAsYaml('\uFEFFcases:\r\n  - id: a\r\n    prompt: "x\r\n      y"\r\n  - id: b\r\n    prompt: hi\r\n');
  });

  it('reads plain scalars as YAML 1.2 core, exactly as `yaml` does', () => {
    expectSameAsYaml(`cases:
  - { a: ~, b: null, c: NULL, d: , e: true, f: False, g: yes, h: no, i: on }
  - { a: 017, b: 0o17, c: 0x1F, d: +5, e: -0, f: 1_000, g: 0b101, h: 1e3, i: .5, j: -.inf, k: .NaN, l: 2024-01-01, m: 1:30 }
  - { a: "5", b: '0x1F', c: 12345678901234567890, d: "wow!", e: x!y }
`);
  });

  it('steps aside (undefined) for anchors and aliases, unknown tags, %YAML directives, several documents and bad YAML', () => {
    expect(readYamlFast('a: &x { b: 1 }\nc: *x\n')).toBeUndefined();
    expect(readYamlFast('a: &x 1\n')).toBeUndefined();
    expect(readYamlFast('a: !!int "5"\n')).toBeUndefined();
    expect(readYamlFast('a: !custom x\n')).toBeUndefined();
    expect(readYamlFast('a: !!str 5\n')).toBeUndefined();
    // The built-in suite shares a tool definition through an anchor: it takes the full parse.
    expect(readYamlFast(readFileSync(DEFAULT_SUITE, 'utf8'))).toBeUndefined();
    expect(readYamlFast('%YAML 1.1\n---\na: yes\n')).toBeUndefined();
    expect(readYamlFast('a: 1\n---\nb: 2\n')).toBeUndefined();
    expect(readYamlFast('a: 1\na: 2\n')).toBeUndefined();
    expect(readYamlFast('cases: [\n')).toBeUndefined();
  });

  it('a 250-case suite gets each case line right', () => {
    const text = `name: big\ncases:\n${Array.from({ length: 250 }, (_, i) => `  - id: c${i}\n    prompt: "p ${i}"\n${i % 3 === 0 ? '    stream: true\n' : ''}`).join('')}`;
    const suite = parseSuite(text, FILE, '/srv/app');
    const expected = text.split('\n').flatMap((line, n) => (line.startsWith('  - id: ') ? [n + 1] : []));
    expect(suite.runs.map((r) => r.line)).toEqual(expected);
    expect(suite.runs[249]).toMatchObject({ key: 'c249', file: 'suites/app.yaml', params: {}, messages: [{ role: 'user', content: 'p 249' }] });
  });

  it('values js-yaml alone would read as numbers stay strings, and the error names the line as before', () => {
    expect(rejection('cases:\n  - id: a\n    prompt: hi\n    seed: 1_000\n')).toEqual(['suites/app.yaml:4 cases[0].seed: expected a number, got a string']);
  });

  it('anchors still work through the full parse, with the same lines', () => {
    const suite = parseSuite('defaults: &d { temperature: 0 }\ncases:\n  - id: a\n    prompt: hi\n  - id: b\n    prompt: there\n', FILE, '/srv/app');
    expect(suite.runs.map((r) => [r.key, r.line, r.params])).toEqual([
      ['a', 3, { temperature: 0 }],
      ['b', 5, { temperature: 0 }],
    ]);
  });
});
