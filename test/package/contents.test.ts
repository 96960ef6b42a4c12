// What `npm publish` would put in the tarball (package.json "files"): what `migrate` runs and
// reads, and nothing that only tests, the demo and the benchmarks use.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

let files: string[] = [];

beforeAll(async () => {
  // dist/ is built by `npm test` (and by the lead's run) before the suite; --ignore-scripts keeps pack from rebuilding it.
  const pack = await execa('npm', ['pack', '--dry-run', '--json', '--ignore-scripts', '--loglevel=error'], { cwd: ROOT });
  files = (JSON.parse(pack.stdout) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
}, 60_000);

describe('the packed package', () => {
  it('holds the launcher, the bundled CLI with every command, the default suite and the schema', () => {
    const commands = readdirSync(path.join(ROOT, 'src/commands'));
    expect(commands.length).toBeGreaterThan(10);
    const wanted = [
      'bin/migrate.js',
      'dist/cli.js',
      'dist/main.js',
      'dist/command-name.js',
      'dist/rollback-cli.js',
      'fixtures/suites/default.yaml',
      'schema/migrate.schema.json',
      ...commands.map((c) => `dist/commands/${c}/index.js`),
    ];
    expect(wanted.filter((f) => !files.includes(f))).toEqual([]);
  });

  it('ships no test code: not the fake provider (dist/testing), src/ or test/', () => {
    expect(files.filter((f) => /^(dist\/testing|src|test)\//.test(f))).toEqual([]);
    // No command bundles it either: the fake provider's control route appears in no shipped file.
    const shipped = files.filter((f) => f.endsWith('.js'));
    expect(shipped.filter((f) => readFileSync(path.join(ROOT, f), 'utf8').includes('/_fake/faults'))).toEqual([]);
  });

  it("ships only what a command loads: the bundles and their source maps (and bin's argv reader), not tsc's module-by-module copies", () => {
    const dist = files.filter((f) => f.startsWith('dist/'));
    expect(
      dist.filter(
        (f) => !/^dist\/(cli|rollback-cli|main)\.js(\.map)?$|^dist\/(command-name\.js|package\.json)$|^dist\/commands\/[^/]+\/index\.js(\.map)?$|^dist\/chunks\//.test(f),
      ),
    ).toEqual([]);
    expect(files.filter((f) => f.startsWith('fixtures/'))).toEqual(['fixtures/suites/default.yaml']);
  });

  it('every relative import in the shipped bundle resolves to a shipped file', () => {
    const shipped = new Set(files);
    const entries = files.filter((f) => /^dist\/(cli|main|rollback-cli)\.js$|^dist\/(commands|chunks)\/.*\.js$/.test(f));
    const missing = entries.flatMap((file) => {
      const text = readFileSync(path.join(ROOT, file), 'utf8');
      const specifiers = [...text.matchAll(/(?:from|import\()\s*["'](\.{1,2}\/[^"']+)["']/g)].map((m) => m[1]!);
      return specifiers.map((s) => path.posix.join(path.posix.dirname(file), s)).filter((target) => !shipped.has(target));
    });
    expect(entries.length).toBeGreaterThan(10);
    expect(missing).toEqual([]);
  });
});
