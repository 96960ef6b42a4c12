import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { formatIssues, suggest } from '../../src/core/config/issues.js';
import { parseYamlSource } from '../../src/core/config/source.js';
import { UsageError } from '../../src/errors.js';

// The suite loader (validate) reuses these with its own schema: pin that they are generic.
const suiteSchema = z.strictObject({
  cases: z.array(z.strictObject({ id: z.string(), prompt: z.string(), maxTokens: z.number().int().positive().optional() })).min(1),
});

const SUITE = `# a test-prompt suite
cases:
  - id: greet
    prompt: hi
  - id: refund
    promt: where is my refund
    maxTokens: 1.5
`;

describe('YAML sources', () => {
  it('knows the line of every key, and of the deepest existing node on a missing path', () => {
    const source = parseYamlSource(SUITE, '/repo/suites/support.yaml', { cwd: '/repo' });
    expect(source.name).toBe('suites/support.yaml');
    expect(source.lineOf(['cases'])).toBe(2);
    expect(source.lineOf(['cases', 1])).toBe(5);
    expect(source.lineOf(['cases', 1, 'maxTokens'])).toBe(7);
    expect(source.lineOf(['cases', 1, 'prompt'])).toBe(5); // missing: the case itself
    expect(source.lineOf(['cases', 9, 'id'])).toBe(2);
    expect(source.at(['cases', 0, 'prompt'])).toBe('suites/support.yaml:4');
  });

  it('names a file outside the working directory by its absolute path', () => {
    expect(parseYamlSource('a: 1\n', '/elsewhere/x.yaml', { cwd: '/repo' }).name).toBe('/elsewhere/x.yaml');
  });

  it('formats issues from any schema as file:line path: plain words', () => {
    const source = parseYamlSource(SUITE, '/repo/suites/support.yaml', { cwd: '/repo' });
    const result = suiteSchema.safeParse(source.data);
    expect(result.success).toBe(false);
    expect(formatIssues(result.error!.issues, source, { schema: suiteSchema })).toEqual([
      'suites/support.yaml:5 cases[1].prompt: required',
      'suites/support.yaml:6 cases[1].promt: unknown key (did you mean "prompt"?)',
      'suites/support.yaml:7 cases[1].maxTokens: expected a whole number, got a number (1.5)',
    ]);
  });

  it('words sizes and unions for people', () => {
    const schema = z.strictObject({ cases: z.array(z.string()).min(1), run: z.union([z.string(), z.array(z.string())]), n: z.number().min(2) });
    const source = parseYamlSource('cases: []\nrun: 3\nn: 1\n', '/r/s.yaml', { cwd: '/r' });
    const issues = schema.safeParse(source.data).error!.issues;
    expect(formatIssues(issues, source)).toEqual([
      's.yaml:1 cases: must not be empty',
      's.yaml:2 run: expected a string or a list, got a number (3)',
      's.yaml:3 n: must be at least 2',
    ]);
  });

  it('throws one UsageError listing every syntax error with its line', () => {
    const text = 'a: 1\na: 2\nb: [1, 2\nc: 3\n';
    let err: unknown;
    try {
      parseYamlSource(text, '/r/bad.yaml', { cwd: '/r' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UsageError);
    const all = [(err as UsageError).message, ...(err as UsageError).details];
    expect(all[0]).toMatch(/^bad\.yaml: \d+ problems$/);
    expect(all).toContain('bad.yaml:2 YAML syntax error: Map keys must be unique');
  });

  it('one unclosed bracket does not bury the cause under every token after it', () => {
    // An unquoted ${VAR} inside a flow mapping: yaml then reports every token of the file after it.
    const text = 'h: { X: ${KEY} }\n' + Array.from({ length: 30 }, (_, i) => `k${i}: { x: [${i}], y: "z" }`).join('\n') + '\n';
    let err: UsageError | undefined;
    try {
      parseYamlSource(text, '/r/bad.yaml', { cwd: '/r' });
    } catch (e) {
      err = e as UsageError;
    }
    expect(err).toBeInstanceOf(UsageError);
    expect(err!.details.length).toBeLessThanOrEqual(6);
    expect(err!.details[0]).toMatch(/^bad\.yaml:\d+ YAML syntax error: /);
    expect(err!.details.at(-1)).toMatch(/^\(\d+ more lines with errors, probably caused by the first/);
    expect(err!.hint).toContain('quote ${VAR} inside { }');
  });
});

describe('did you mean', () => {
  it('suggests near keys, including swapped letters, and nothing for far ones', () => {
    expect(suggest('baseURL', ['baseUrl', 'apiKey'])).toBe('baseUrl');
    expect(suggest('ngnix', ['env', 'nginx', 'command'])).toBe('nginx');
    expect(suggest('envFile', ['envFiles', 'compose'])).toBe('envFiles');
    expect(suggest('colour', ['envFiles', 'compose'])).toBeUndefined();
    expect(suggest('x', ['y'])).toBe('y');
    expect(suggest('ab', ['xy'])).toBeUndefined();
  });
});
