// A warning's or an error's file:line, found by js-yaml (src/core/config/fast-lines.ts) instead
// of loading the `yaml` package: on every key path of every YAML file in the repository and of
// awkward hand-written ones, it answers yaml's line or does not answer (and yaml is asked).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fastLineFinder } from '../../src/core/config/fast-lines.js';
import { readYamlFast } from '../../src/core/config/fast-yaml.js';
import { parseYamlSource, yamlLineFinder, type KeyPath } from '../../src/core/config/source.js';
import { ROOT } from '../helpers/cli.js';

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const file = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : yamlFiles(file);
    return /\.ya?ml$/.test(e.name) ? [file] : [];
  });
}

const AWKWARD: Record<string, string> = {
  'comments and blank lines between keys': '# top\n\nversion: 1\n\n# providers\nproviders:\n\n  # legacy\n  legacy:\n    baseUrl: http://a/v1   # trailing\n\n    apiKey: ${KEY}\n',
  'flow mappings on one line': 'providers:\n  legacy: { baseUrl: "http://a/v1", apiKey: "${A}" }\n  target: {baseUrl: x, apiKey: y, nodes: [{id: n1, baseUrl: z}]}\n',
  'an item whose content starts on the next line': 'cases:\n  -\n    id: one\n    prompt: hi\n  -\n    # the second\n\n    id: two\n',
  'block scalars and multi-line strings': 'a: |\n  line one\n  line two\nb: >-\n  folded\n  text\nc: "quoted\n  over lines"\nd: plain\n  continued\ne: 1\n',
  'a document start and end': '---\n# c\nversion: 1\nmodels: [a, b]\n...\n',
  'CRLF line endings': 'version: 1\r\nproviders:\r\n  legacy:\r\n    apiKey: k\r\n  target:\r\n    apiKey: t\r\n',
  'empty values and nulls': 'a:\nb: ~\nc: null\nd:\n  e:\n  f: 1\n',
  'quoted and odd keys': '"quoted key": 1\n\'single\': 2\n1: one\ntrue: yes\nnull: x\n"a.b": 3\n',
  'nested lists': 'm:\n  - - 1\n    - 2\n  - [3, 4]\n  -\n    - 5\n',
  'explicit keys': '? a\n: 1\n? b\n: 2\n',
  'a compact mapping in a list item': 'envFiles:\n- .env\n- path: .env.b\n  mode: x\n',
  // Windows editors save UTF-8 with a byte-order mark; js-yaml drops it before counting offsets.
  'a byte-order mark': '\uFEFFversion: 1\nproviders:\n  legacy:\n    apiKey: k\nmodels: []\n',
  // YAML allows a list or a mapping as a key; yaml names no line for them (the error goes to the parent's).
  'keys that are a list or a mapping': 'x: 1\n[a, b]: 2\n{toString: 1}: 3\nz: 4\n',
  'a byte-order mark and CRLF': '\uFEFFa: 1\r\nb:\r\n  c: 2\r\nd: 3\r\n',
};

/** Every key path in `data`, and one that goes a step too far past each. */
function paths(data: unknown, prefix: KeyPath = []): KeyPath[] {
  const out: KeyPath[] = [prefix, [...prefix, 'nope'], [...prefix, 7]];
  if (Array.isArray(data)) data.forEach((v, i) => out.push(...paths(v, [...prefix, i])));
  else if (data !== null && typeof data === 'object') for (const [k, v] of Object.entries(data)) out.push(...paths(v, [...prefix, k]));
  return out;
}

const texts: Array<[string, string]> = [
  ...yamlFiles(path.join(ROOT, 'fixtures')).map((f) => [path.relative(ROOT, f), readFileSync(f, 'utf8')] as [string, string]),
  ...yamlFiles(path.join(ROOT, 'test')).map((f) => [path.relative(ROOT, f), readFileSync(f, 'utf8')] as [string, string]),
  ...Object.entries(AWKWARD),
].filter(([, text]) => readYamlFast(text) !== undefined);

describe("key paths' lines found by js-yaml", () => {
  it('reads every plain YAML file here and the awkward ones', () => {
    expect(texts.length).toBeGreaterThan(15 + Object.keys(AWKWARD).length - 2);
  });

  it.each(texts)("%s: each path's line is yaml's, or left to yaml", (_name, text) => {
    const fast = fastLineFinder(text);
    const full = yamlLineFinder(text);
    let answered = 0;
    const all = paths(readYamlFast(text)!.data);
    for (const keys of all) {
      const line = fast?.(keys);
      if (line === undefined) continue;
      answered++;
      expect({ keys, line }).toEqual({ keys, line: full(keys) });
    }
    // Left to yaml only where a node's shape is unexpected: most paths are answered here.
    expect(answered).toBeGreaterThan(all.length / 2);
  });

  // A file of comments only has no node: js-yaml opens its document at the end, yaml says line 1.
  it('a file of comments only is placed as yaml places it', () => {
    const text = '# one\n# two\n\n';
    expect([[], ['version'], [0]].map((keys) => fastLineFinder(text)?.(keys) ?? yamlLineFinder(text)(keys))).toEqual([1, 1, 1]);
  });

  it('an error on a top-level key of a file with a byte-order mark names its line', () => {
    const source = parseYamlSource(AWKWARD['a byte-order mark']!, '/tmp/migrate.yaml', { cwd: '/tmp' });
    expect([source.at(['providers']), source.at(['models'])]).toEqual(['migrate.yaml:2', 'migrate.yaml:5']);
  });

  it('a key that is a mapping with its own toString neither breaks a lookup past it nor is named', () => {
    const source = parseYamlSource(AWKWARD['keys that are a list or a mapping']!, '/tmp/migrate.yaml', { cwd: '/tmp' });
    expect([source.at(['z']), source.at(['a,b']), source.at(['[object Object]'])]).toEqual(['migrate.yaml:4', 'migrate.yaml:1', 'migrate.yaml:1']);
  });

  // The warning a rollback with an unset target key prints names its line without yaml.
  it('a warning about an unset variable names its line from the quick reading', () => {
    const source = parseYamlSource(AWKWARD['flow mappings on one line']!, '/tmp/migrate.yaml', { cwd: '/tmp' });
    expect(source.at(['providers', 'target', 'nodes', 0, 'baseUrl'])).toBe('migrate.yaml:3');
    expect(source.at(['providers', 'legacy', 'apiKey'])).toBe('migrate.yaml:2');
  });
});
