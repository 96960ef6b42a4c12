// What a command loads at start-up, read from the built bundle (`npm test` builds dist/ first):
// the chunks its entry imports statically, and the sources each chunk's source map names.
// Parsing a module costs start-up time whether or not it is used, so what a command does not
// need on its way that goes well stays out of this graph (loaded on first need instead).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

const DIST = path.join(ROOT, 'dist');
const STATIC_IMPORT = /(?:^|[;}\s])import\s*(?:[\w${},*\s]+from\s*)?["'](\.[^"']+)["']/g;

/** The sources (as the source maps name them) of every module `entries` load before running. */
function loadedSources(entries: string[]): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const m of readFileSync(file, 'utf8').matchAll(STATIC_IMPORT)) visit(path.resolve(path.dirname(file), m[1]!));
  };
  for (const entry of entries) visit(path.join(DIST, entry));
  return [...seen].flatMap((file) => (JSON.parse(readFileSync(`${file}.map`, 'utf8')) as { sources: string[] }).sources);
}

const commandLoads = (name: string) => loadedSources(['cli.js', 'main.js', `commands/${name}/index.js`]);
const COMMANDS = readdirSync(path.join(DIST, 'commands'));
const CLASSIC_ZOD = /\/node_modules\/zod\/(v4\/classic|v3)\//;

describe('start-up load path of the built CLI', () => {
  // `migrate config` prints YAML, so it loads yaml (bundled) up front; the others read with js-yaml.
  it.each(['check', 'validate', 'rollback'])('`migrate %s` does not load the yaml package (js-yaml reads plain files)', (name) => {
    const sources = commandLoads(name);
    expect(sources.some((s) => s.includes('/src/core/config/load.ts'))).toBe(true);
    expect(sources.filter((s) => s.includes('/node_modules/yaml/'))).toEqual([]);
  });

  it('`migrate --help` and the shared entry load neither zod nor a command', () => {
    const sources = loadedSources(['cli.js']);
    expect(sources.some((s) => s.includes('/node_modules/commander/'))).toBe(true);
    expect(sources.filter((s) => /\/node_modules\/(zod|yaml|js-yaml|undici|execa)\/|\/src\/commands\//.test(s))).toEqual([]);
  });

  it('rollback loads no HTTP client (its verification loads it when it runs, not a dry run)', () => {
    expect(commandLoads('rollback').filter((s) => /\/node_modules\/(undici|execa)\//.test(s))).toEqual([]);
  });

  // zod's classic API builds every schema with dozens of methods and cannot be tree-shaken (its
  // chunk was 193 KB); src/core/zod.ts is zod/mini, and nothing may pull the classic one back in.
  it.each(COMMANDS)('`migrate %s` never loads classic zod (zod/mini only)', (name) => {
    expect(commandLoads(name).filter((s) => CLASSIC_ZOD.test(s))).toEqual([]);
  });

  it('no bundled file holds classic zod, and the rollback path does hold zod (so the check above can fail)', () => {
    const maps = readdirSync(path.join(DIST, 'chunks')).filter((f) => f.endsWith('.js.map'));
    const bundled = maps.flatMap((f) => (JSON.parse(readFileSync(path.join(DIST, 'chunks', f), 'utf8')) as { sources: string[] }).sources);
    expect(bundled.filter((s) => CLASSIC_ZOD.test(s))).toEqual([]);
    expect(COMMANDS).toContain('rollback');
    expect(commandLoads('rollback').filter((s) => s.includes('/node_modules/zod/v4/mini/'))).not.toEqual([]);
  });
});
