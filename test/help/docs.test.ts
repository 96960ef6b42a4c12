// The docs are held to the CLI: every `migrate <command> --flag` written in README.md, docs/*.md
// and bench/README.md exists in that command's --help, every command --help lists has its
// section in docs/commands.md, every relative link (and its #anchor) leads somewhere, and the
// README's quick start and exit codes are still true.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.js';
import { ROOT } from '../helpers/cli.js';
import { commandsOf, flagsOf, help } from '../helpers/help.js';

const DOCS = [
  'README.md',
  'bench/README.md',
  ...readdirSync(path.join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

/** Each `migrate <command> …` written in a doc, as `{file, line, command, words}`: in code, up to a `#` comment; in prose, within its backticks. */
function invocationsIn(file: string, commands: string[]) {
  const found: Array<{ where: string; command: string; words: string[] }> = [];
  const names = commands.join('|');
  read(file)
    .split('\n')
    .forEach((text, i) => {
      const code = /^( {4}|\t)/.test(text) || !text.includes('`');
      const spans = code ? [text.replace(/\s#\s.*$/, '')] : [...text.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
      for (const span of spans) {
        for (const m of span.matchAll(new RegExp(`(?<![\\w./-])migrate\\s+(${names})\\b([^|;&\`#]*)`, 'g'))) {
          found.push({ where: `${file}:${i + 1}`, command: m[1]!, words: m[2]!.trim().split(/\s+/) });
        }
      }
    });
  return found;
}

/** GitHub's anchor for a heading: lower case, punctuation but `-` and `_` dropped, spaces as `-`. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/ /g, '-');
}

function anchorsOf(file: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  let fenced = false;
  for (const line of read(file).split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    const m = !fenced && /^#{1,6} (.*)$/.exec(line);
    if (!m) continue;
    const base = slug(m[1]!);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

describe('the docs against --help', async () => {
  const commands = commandsOf(await help([]));
  const flags = new Map(await Promise.all(commands.map(async (c) => [c, flagsOf(await help([c]))] as const)));

  it.each(DOCS)("every `migrate <command> --flag` in %s is in that command's --help", (file) => {
    const invocations = invocationsIn(file, commands);
    const unknown = invocations.flatMap(({ where, command, words }) =>
      words
        .filter((w) => /^--?[a-zA-Z][\w-]*(=.*)?$/.test(w))
        .map((w) => w.split('=')[0]!)
        .filter((flag) => !flags.get(command)!.has(flag))
        .map((flag) => `${where}: migrate ${command} ${flag}`),
    );
    expect(unknown).toEqual([]);
  });

  it('the check reads the invocations it is meant to (a doc flag that does not exist is caught)', () => {
    const all = DOCS.flatMap((file) => invocationsIn(file, commands));
    expect(all.length).toBeGreaterThan(100);
    expect(all).toContainEqual(expect.objectContaining({ command: 'rollback', words: expect.arrayContaining(['--env', 'canary', '--dry-run']) }));
    expect(flags.get('ramp')).not.toContain('--canary-weight');
    expect(flags.get('ramp')).toContain('--metrics-port');
  });

  it('every command in `migrate --help` has its section in docs/commands.md', () => {
    const headings = read('docs/commands.md')
      .split('\n')
      .filter((l) => l.startsWith('## '));
    const missing = commands.filter((c) => !headings.some((h) => h.includes(`\`migrate ${c}\``)));
    expect(missing).toEqual([]);
  });

  it('every command is named in docs/commands.md and in nothing unknown', () => {
    const named = [...read('docs/commands.md').matchAll(/^## `migrate ([a-z-]+)`/gm)].map((m) => m[1]!);
    expect(named.filter((c) => !commands.includes(c))).toEqual([]);
  });
});

describe('links in the docs', () => {
  it.each(DOCS)('every relative link in %s leads to a file, and its #anchor to a heading', (file) => {
    const broken: string[] = [];
    const text = read(file).replace(/^```[\s\S]*?^```/gm, '');
    for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      const link = m[1]!;
      if (/^[a-z]+:/.test(link)) continue; // https:, mailto:
      const [target, anchor] = link.split('#') as [string, string | undefined];
      const resolved = target === '' ? file : path.normalize(path.join(path.dirname(file), target));
      if (resolved.startsWith('..') || !existsSync(path.join(ROOT, resolved))) {
        broken.push(`${file}: ${link} (no file ${resolved})`);
        continue;
      }
      if (anchor !== undefined && resolved.endsWith('.md') && !anchorsOf(resolved).has(anchor)) broken.push(`${file}: ${link} (no heading #${anchor} in ${resolved})`);
    }
    expect(broken).toEqual([]);
  });

  it('links to every page of docs/ from the README', () => {
    const readme = read('README.md');
    for (const file of DOCS.filter((f) => f !== 'README.md')) expect(readme).toContain(`](${file})`);
  });

  it('anchors are computed as GitHub does', () => {
    expect(slug('`migrate gateway`: real traffic for any compose app')).toBe('migrate-gateway-real-traffic-for-any-compose-app');
    expect(slug("The ramp's metrics (`--metrics-port`)")).toBe('the-ramps-metrics---metrics-port');
  });
});

describe('the README', () => {
  const readme = read('README.md');
  const section = (title: string) => readme.split(new RegExp(`^## ${title}$`, 'm'))[1]?.split(/^## /m)[0] ?? '';

  it('stays short: under about 200 lines', () => {
    expect(readme.split('\n').length).toBeLessThanOrEqual(210);
  });

  it("the quick start's two set-up commands are package.json scripts", () => {
    const scripts = JSON.parse(read('package.json')).scripts as Record<string, string>;
    const commands = [...section('Quick start').matchAll(/^ {4}npm run ([\w:-]+)/gm)].map((m) => m[1]!);
    expect(commands).toEqual(['demo', 'test:full']);
    for (const name of commands) expect(Object.keys(scripts)).toContain(name);
  });

  it('the exit codes table is the one src/errors.ts and `migrate --help` have', async () => {
    const table = [...section('Exit codes').matchAll(/^\| (\d+) \|/gm)].map((m) => Number(m[1]));
    expect(table).toEqual(Object.values(ExitCode));
    const fromHelp = [...(await help([])).split(/^Exit codes:$/m)[1]!.matchAll(/^ {2}(\d+) /gm)].map((m) => Number(m[1]));
    expect(fromHelp).toEqual(table);
  });

  it('the incident runbook keeps the gateway step: the split to 0 % and an nginx reload, before the files', () => {
    const runbook = section('Incident runbook');
    expect(runbook).toContain('migrate rollback --env production --yes');
    expect(runbook).toMatch(/llm-split\.conf/);
    expect(runbook).toMatch(/nginx -s reload/);
  });
});

describe('nothing in the repository points outside it', () => {
  // Assembled so this file does not match itself.
  const outside = [['/', 'work', '/'].join(''), ['shared', 'DESIGN.md'].join('/'), ['shared', 'STYLE.md'].join('/')];
  const walk = (dir: string): string[] =>
    readdirSync(path.join(ROOT, dir)).flatMap((name) => {
      const rel = path.join(dir, name);
      return statSync(path.join(ROOT, rel)).isDirectory() ? walk(rel) : /\.(md|ts|js|json|ya?ml|sh|conf)$/.test(name) ? [rel] : [];
    });

  it('no doc, source, test, script or fixture names a path outside the repository', () => {
    const files = ['README.md', 'package.json', ...['docs', 'bench', 'src', 'test', 'scripts', 'fixtures', '.ci'].filter((d) => existsSync(path.join(ROOT, d))).flatMap(walk)];
    expect(files.length).toBeGreaterThan(100);
    const hits = files.flatMap((file) => outside.filter((s) => read(file).includes(s)).map((s) => `${file}: ${s}`));
    expect(hits).toEqual([]);
  });
});
