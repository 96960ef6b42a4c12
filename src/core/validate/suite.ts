import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../../errors.js';
import { packageRoot } from '../package-root.js';
import type { LoadedConfig } from '../config/load.js';
import { formatIssues } from '../config/issues.js';
import { problems } from '../config/problems.js';
import { readYamlFast } from '../config/fast-yaml.js';
import { displayName, parseYamlSource, type KeyPath } from '../config/source.js';
import type { Assertion } from './assertion-schema.js';
import { plainSuite } from './suite-plain.js';
import { suiteSchema, type CaseSpec, type RequestParams, type SuiteFile } from './suite-schema.js';
import { fill, placeholders, type Vars } from './template.js';

/** The suite shipped with the tool, used when neither --suite nor validate.suites names one. */
export const DEFAULT_SUITE = path.join(packageRoot(), 'fixtures/suites/default.yaml');

/** validate.suites (relative to the config file), else the built-in suite. */
export function configuredSuiteFiles(loaded: LoadedConfig): string[] {
  const files = loaded.config.validate.suites;
  return files.length ? files.map((f) => path.resolve(loaded.dir, f)) : [DEFAULT_SUITE];
}

export interface ChatMessage {
  role: string;
  content?: unknown;
  [key: string]: unknown;
}

/** One request to send to each provider: a case after `vars` and `repeat` are expanded. */
export interface CaseRun {
  /** Unique across the run: `id`, `id[2]` for the second vars row, `id#3` for the third repeat. */
  key: string;
  caseId: string;
  /** The suite file as shown to users, and the case's line in it (for annotations). */
  file: string;
  line: number;
  params: RequestParams;
  messages: ChatMessage[];
  assertions: Assertion[];
  vars?: Vars;
}

export interface Suite {
  name: string;
  file: string;
  runs: CaseRun[];
}

const HINT = 'fix the suite file; its format is described in docs/commands.md under "Validation suites"';

export async function loadSuites(files: string[], cwd: string): Promise<Suite[]> {
  const suites: Suite[] = [];
  for (const file of files) {
    const absolute = path.resolve(cwd, file);
    const text = await readFile(absolute, 'utf8').catch((err: NodeJS.ErrnoException) => {
      throw new UsageError(`suite file ${file}: ${err.code === 'ENOENT' ? 'not found' : err.message}`, { hint: 'check the --suite path or validate.suites in the config' });
    });
    suites.push(parseSuite(text, absolute, cwd));
  }
  assertUniqueKeys(suites);
  return suites;
}

/** Parse and check one suite file; every problem is reported at once, each as file:line field. */
export function parseSuite(text: string, file: string, cwd: string): Suite {
  return parseValidSuite(text, file, cwd) ?? parseSuiteWithLines(text, file, cwd);
}

/**
 * The fast path (a large suite loads in a fraction of the time): js-yaml's data, accepted only
 * when it is a valid suite and every case's line is known; otherwise undefined, and the
 * line-aware parse below finds and words the problems exactly as it always has.
 */
function parseValidSuite(text: string, file: string, cwd: string): Suite | undefined {
  const fast = readYamlFast(text);
  if (!fast) return undefined;
  const data = plainSuite(fast.data) ?? suiteSchema.safeParse(fast.data).data;
  if (!data || crossCheck(data, () => '').length > 0) return undefined;
  const raw = (fast.data as { cases: object[] }).cases;
  const lines = raw.map((c) => fast.lineOf(c));
  if (lines.some((line) => line === undefined)) return undefined;
  const name = displayName(file, cwd);
  return { name: suiteName(data, file), file: name, runs: expand(data, name, (i) => lines[i]!) };
}

function parseSuiteWithLines(text: string, file: string, cwd: string): Suite {
  const source = parseYamlSource(text, file, { cwd });
  const result = suiteSchema.safeParse(source.data);
  if (!result.success) throw problems(source.name, formatIssues(result.error.issues, source, { schema: suiteSchema }), HINT);
  const lines = crossCheck(result.data, source.at);
  if (lines.length > 0) throw problems(source.name, lines, HINT);
  return { name: suiteName(result.data, file), file: source.name, runs: expand(result.data, source.name, (i) => source.lineOf(['cases', i])) };
}

function suiteName(suite: SuiteFile, file: string): string {
  return suite.name ?? path.basename(file).replace(/\.ya?ml$/, '');
}

function crossCheck(suite: SuiteFile, where: (keys: KeyPath) => string): string[] {
  const out: string[] = [];
  const seen = new Map<string, number>();
  suite.cases.forEach((c, i) => {
    const at = (...keys: (string | number)[]) => `${where(['cases', i, ...keys])} cases[${i}]${keys.map((k) => (typeof k === 'number' ? `[${k}]` : `.${k}`)).join('')}`;
    if (!c.prompt === !c.messages) out.push(`${at()}: give exactly one of prompt or messages`);
    if (seen.has(c.id)) out.push(`${at('id')}: duplicate id "${c.id}" (first at cases[${seen.get(c.id)}])`);
    seen.set(c.id, i);
    const used = placeholders([c.prompt, c.messages, c.assert.map((a) => a.value)]);
    (c.vars ?? [{}]).forEach((row, r) => {
      const missing = [...used].filter((name) => !(name in row));
      if (missing.length) out.push(`${at(...(c.vars ? ['vars', r] : ['id']))}: {{${missing.join('}}, {{')}}} used but not set${c.vars ? ' in this row' : ' (add a vars table)'}`);
      c.assert.forEach((a, j) => {
        const bad = a.type === 'regex' ? regexProblem(fill(a.value, row) as RegexValue) : undefined;
        if (bad) out.push(`${at('assert', j, a.name)}: ${bad}`);
      });
    });
  });
  return [...new Set(out)];
}

type RegexValue = string | { pattern: string; flags?: string };

/** A pattern that does not compile is a suite error (exit 2), not a failed case on every provider. */
function regexProblem(value: RegexValue): string | undefined {
  const { pattern, flags } = typeof value === 'string' ? { pattern: value, flags: '' } : value;
  try {
    new RegExp(pattern, `${flags ?? ''}u`);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

function expand(suite: SuiteFile, file: string, lineOfCase: (index: number) => number): CaseRun[] {
  return suite.cases.flatMap((c, i) => {
    const rows: Array<Vars | undefined> = c.vars ?? [undefined];
    const line = lineOfCase(i);
    const params = { ...suite.defaults, ...pickParams(c) };
    const messages = messagesOf(c);
    return rows.flatMap((row, r) => {
      // Without vars nothing is filled (crossCheck refused any placeholder), so the case's own
      // messages and assertions are shared rather than copied for every run.
      const filled = row ? fill(messages, row) : messages;
      const assertions = row ? c.assert.map((a) => ({ ...a, value: fill(a.value, row) })) : c.assert;
      return Array.from({ length: c.repeat }, (_, n) => ({
        key: `${c.id}${c.vars && c.vars.length > 1 ? `[${r + 1}]` : ''}${c.repeat > 1 ? `#${n + 1}` : ''}`,
        caseId: c.id,
        file,
        line,
        params,
        messages: filled,
        assertions,
        vars: row,
      }));
    });
  });
}

function messagesOf(c: CaseSpec): ChatMessage[] {
  return c.messages ?? [{ role: 'user', content: c.prompt }];
}

function pickParams(c: CaseSpec): RequestParams {
  const { id: _id, description: _d, prompt: _p, messages: _m, repeat: _r, vars: _v, assert: _a, ...params } = c;
  return Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined));
}

function assertUniqueKeys(suites: Suite[]): void {
  const seen = new Map<string, string>();
  const lines: string[] = [];
  for (const suite of suites) {
    for (const run of suite.runs) {
      const other = seen.get(run.key);
      if (other && other !== `${suite.file}:${run.line}`)
        lines.push(`${suite.file}:${run.line} id: case "${run.caseId}" is also defined at ${other}; ids must be unique across suites`);
      seen.set(run.key, `${suite.file}:${run.line}`);
    }
  }
  if (lines.length) throw problems('suites', [...new Set(lines)], HINT);
}
