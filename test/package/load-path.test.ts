// What a command loads at start-up, read from the built bundle (`npm test` builds dist/ first):
// the chunks its entry imports statically, and the sources each chunk's source map names.
// Parsing a module costs start-up time whether or not it is used, so what a command does not
// need on its way that goes well stays out of this graph (loaded on first need instead).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli, tempProject } from '../helpers/cli.js';

const DIST = path.join(ROOT, 'dist');
const STATIC_IMPORT = /(?:^|[;}\s])import\s*(?:[\w${},*\s]+from\s*)?["'](\.[^"']+)["']/g;

/** The files themselves (absolute paths) that `entries` load before running. */
function loadedFiles(entries: string[]): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const m of readFileSync(file, 'utf8').matchAll(STATIC_IMPORT)) visit(path.resolve(path.dirname(file), m[1]!));
  };
  for (const entry of entries) visit(path.join(DIST, entry));
  return [...seen];
}

/** The sources (as the source maps name them) of every module `entries` load before running. */
function loadedSources(entries: string[]): string[] {
  return loadedFiles(entries).flatMap((file) => (JSON.parse(readFileSync(`${file}.map`, 'utf8')) as { sources: string[] }).sources);
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
    const entry = loadedSources(['cli.js']);
    expect(entry.filter((s) => /\/node_modules\/|\/src\/commands\//.test(s))).toEqual([]);
    // The declared program, which the entry imports for every command but a plain rollback.
    const program = readFileSync(path.join(DIST, 'cli.js'), 'utf8').match(/import\("(\.\/chunks\/program-[\w-]+\.js)"\)/)?.[1];
    expect(program).toBeDefined();
    const sources = loadedSources([program!]);
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

  // bin/migrate.js runs rollback from its own build (scripts/build.js): the CLI with only rollback's
  // code, where what the general build spreads over some 50 files is about 10. main.ts and the
  // command's module, which every run of that build loads, are in its entry file (scripts/build.js,
  // staticCommand), not in chunks of their own. A plain `migrate rollback` is read without commander
  // (plain-argv.ts): the program's declarations are one import() away, for help and usage errors.
  it("rollback's own build: few files, rollback's code and no other command's, no commander, yaml, HTTP client or zod locales", () => {
    const files = loadedFiles(['rollback-cli.js']);
    expect(files.length).toBeLessThanOrEqual(12);
    const sources = loadedSources(['rollback-cli.js']);
    for (const source of ['/src/cli.ts', '/src/plain-argv.ts', '/src/main.ts', '/src/commands/rollback/index.ts', '/src/core/rollback/run.ts', '/node_modules/zod/v4/mini/'])
      expect(sources.filter((s) => s.includes(source))).not.toEqual([]);
    expect(sources.filter((s) => /\/src\/commands\/(?!rollback\/)/.test(s))).toEqual([]);
    expect(sources.filter((s) => /\/node_modules\/(commander|chalk|yaml|undici|execa)\/|\/src\/program\.ts|\/zod\/v4\/locales\/(?!en)/.test(s))).toEqual([]);
    const lazy = [...readFileSync(path.join(DIST, 'rollback-cli.js'), 'utf8').matchAll(/import\("(\.\/[\w/-]+\.js)"\)/g)].map((m) => m[1]!);
    expect(loadedSources(lazy).filter((s) => /\/node_modules\/commander\/|\/src\/program\.ts$/.test(s))).not.toEqual([]);
  });

  // A dry run only plans: the lock, the restore, the recreate, the readiness wait and the container
  // checks are imported (core/rollback/locked.ts) when a real rollback runs, never before.
  it("rollback's own build loads the real rollback's effects only when one runs (a dry run neither compiles nor evaluates them)", () => {
    const EFFECTS = /\/src\/core\/(rollback\/(locked|lock|apply|restore|services|containers)|compose\/(wait|readiness)|state\/lock)\.ts$/;
    expect(loadedSources(['rollback-cli.js']).filter((s) => EFFECTS.test(s))).toEqual([]);
    // …and they are there, one import() away from the dry run's files (so the check above can fail).
    const lazy = loadedFiles(['rollback-cli.js']).flatMap((f) =>
      [...readFileSync(f, 'utf8').matchAll(/import\("(\.\/[\w/-]+\.js)"\)/g)].map((m) => path.relative(DIST, path.resolve(path.dirname(f), m[1]!))),
    );
    const later = loadedSources(lazy);
    expect(later).toEqual(
      expect.arrayContaining(['locked', 'lock', 'apply', 'restore', 'services', 'containers'].map((name) => expect.stringMatching(new RegExp(`/src/core/rollback/${name}\\.ts$`)))),
    );
  });

  it("gives `require` (the createRequire banner) only to the files that use it: not to each of rollback's", () => {
    const files = loadedFiles(['cli.js', 'main.js', 'commands/rollback/index.js']);
    const withBanner = files.filter((f) => readFileSync(f, 'utf8').includes('createRequire as __migrateRequire'));
    expect(files.length).toBeGreaterThan(20);
    for (const file of withBanner) expect(readFileSync(file, 'utf8').split('\n').slice(1).join('\n')).toMatch(/\brequire\b/);
    expect(withBanner.length).toBeLessThanOrEqual(2);
  });
});

describe('Node built-ins a `rollback --dry-run` loads', () => {
  // Read from the running CLI (process.moduleLoadList, written at exit by a preload): each of these
  // cost start-up time and the dry run uses none of them (HTTP and spawning belong to the real
  // rollback; tty only a terminal needs, and this run has none: colour.ts does not load it to ask).
  it('loads no child_process, dgram, http, https, readline, tty or worker_threads', async () => {
    const dir = tempProject('migrate-load-', {
      'migrate.yaml': `version: 1
providers:
  legacy: { baseUrl: "http://127.0.0.1:9/v1", apiKey: "\${OPENAI_API_KEY}" }
  target: { baseUrl: "http://127.0.0.1:10/v1", apiKey: "\${TARGET_API_KEY}" }
models: [gpt-4.1]
environments:
  canary:
    envFiles: [.env.canary]
    compose: { files: [docker-compose.yml], services: [app], projectName: x, command: docker-compose }
`,
      '.env.canary': 'OPENAI_BASE_URL=http://127.0.0.1:9/v1\nOPENAI_API_KEY=sk-legacy-0123456789abcdef\n',
      'docker-compose.yml': 'services:\n  app:\n    image: migrate-busybox:latest\n    env_file: .env.canary\n',
      'preload.cjs': [
        "process.on('exit', () => {",
        "  require('node:fs').writeFileSync(__dirname + '/modules.json', JSON.stringify(process.moduleLoadList));",
        "  require('node:fs').writeFileSync(__dirname + '/required.json', JSON.stringify(Object.keys(require.cache)));",
        '});',
      ].join('\n'),
    });
    const env = { OPENAI_API_KEY: 'sk-legacy-0123456789abcdef', TARGET_API_KEY: 'sk-target-0123456789abcdef' };
    expect((await runCli(['backup', '--env', 'canary'], { cwd: dir, env })).exitCode).toBe(0);
    writeFileSync(path.join(dir, '.env.canary'), 'OPENAI_BASE_URL=http://127.0.0.1:10/v1\nOPENAI_API_KEY=sk-target-0123456789abcdef\n');
    const r = await runCli(['rollback', '--env', 'canary', '--dry-run'], { cwd: dir, env, nodeArgs: ['--require', path.join(dir, 'preload.cjs')] });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('would run: docker-compose');
    const builtins = (JSON.parse(readFileSync(path.join(dir, 'modules.json'), 'utf8')) as string[]).filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice(13));
    expect(builtins).toContain('fs/promises');
    expect(builtins.filter((m) => /^(child_process|dgram|http|https|_http_\w+|readline|tty|worker_threads)$/.test(m))).toEqual([]);

    // Without the target's key (a rollback never needs it) the dry run warns, naming the config's
    // line: found by js-yaml's reading (config/fast-lines.ts), not by loading the yaml package.
    const warned = await runCli(['rollback', '--env', 'canary', '--dry-run'], {
      cwd: dir,
      env: { OPENAI_API_KEY: env.OPENAI_API_KEY },
      nodeArgs: ['--require', path.join(dir, 'preload.cjs')],
    });
    expect(warned.exitCode).toBe(0);
    expect(warned.stderr).toContain('warning: migrate.yaml:4 providers.target.apiKey: ${TARGET_API_KEY} is not set');
    const required = JSON.parse(readFileSync(path.join(dir, 'required.json'), 'utf8')) as string[];
    expect(required.filter((f) => f.includes(`${path.sep}node_modules${path.sep}yaml${path.sep}`))).toEqual([]);
  });
});
