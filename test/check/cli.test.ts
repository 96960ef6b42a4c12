// The CLI frame around `check`: config errors, flag errors under --json, a closed output pipe, and a
// start-up that loads only what it needs.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cliCommand, tempProject } from '../helpers/cli.js';
import { check, configYaml, expectExit, LEGACY_KEY, migrate, project, providers, ROOT, TARGET_KEY } from './helpers.js';

describe('migrate check: bad config', () => {
  it('exits 2 with file:line messages and no stack trace, sending nothing', async () => {
    const { legacy, target } = await providers();
    const yaml = configYaml({ legacyUrl: legacy.url, targetUrl: target.url, target: ['timeoutMs: soon'], extra: ['chek:', '  samples: 3'] });
    for (const args of [[], ['--verbose'], ['--json']]) {
      const result = await check(yaml, args);
      expectExit(result, 2);
      expect(result.stderr).toMatch(/migrate\.yaml:9 providers\.target\.timeoutMs: /);
      expect(result.stderr).toMatch(/migrate\.yaml:11 chek: .*did you mean "check"/i);
      if (!args.includes('--verbose')) expect(result.stderr).not.toMatch(/\n\s+at /);
      if (args.includes('--json')) expect(JSON.parse(result.stdout)).toMatchObject({ ok: false, error: { exitCode: 2 } });
      else expect(result.stdout).toBe('');
    }
    expect(legacy.count() + target.count()).toBe(0);
  });

  it('exits 2 naming the flag for a bad --samples', async () => {
    const { legacy, target } = await providers();
    const result = await check(configYaml({ legacyUrl: legacy.url, targetUrl: target.url }), ['--samples', '0']);
    expectExit(result, 2);
    expect(result.stderr).toContain('--samples must be an integer >= 1');
    expect(legacy.count() + target.count()).toBe(0);
  });

  it('under --json (before or after the command) a flag error is still one JSON document on stdout, exit 2', async () => {
    const { legacy, target } = await providers();
    const yaml = configYaml({ legacyUrl: legacy.url, targetUrl: target.url });
    const cases: Array<[string[], string]> = [
      [['--json', '--samples', '0'], '--samples must be an integer >= 1'],
      [['--samples', '0', '--json'], '--samples must be an integer >= 1'],
      [['--json', '--provider', 'bogus'], "argument 'bogus' is invalid. Allowed choices are legacy, target, all."],
    ];
    for (const [args, said] of cases) {
      const result = await check(yaml, args);
      expectExit(result, 2);
      expect(JSON.parse(result.stdout)).toEqual({ ok: false, error: expect.objectContaining({ message: expect.stringContaining(said), exitCode: 2 }) });
      expect(result.stderr).toContain(`error: option '--${args.includes('bogus') ? 'provider <role>' : 'samples <n>'}'`);
    }
    const before = await migrate(project({ 'migrate.yaml': yaml }), ['--json', 'check', '--samples', '0']);
    expectExit(before, 2);
    expect(JSON.parse(before.stdout)).toMatchObject({ ok: false, error: { exitCode: 2 } });
    const unknown = await migrate(project({ 'migrate.yaml': yaml }), ['--json', 'frob']); // not a file name: only validate's --json takes one
    expectExit(unknown, 2);
    expect(JSON.parse(unknown.stdout)).toMatchObject({ ok: false, error: { message: "unknown command 'frob'", exitCode: 2 } });
    expect(legacy.count() + target.count()).toBe(0);
  });
});

/** Runs the CLI with its stdout a pipe nobody reads: the reading end is closed before it starts. */
function withClosedStdout(cwd: string, args: string[]): Promise<{ exitCode: number | null; stderr: string }> {
  const cli = cliCommand(args, { cwd, env: { NO_COLOR: undefined, LEGACY_KEY, TARGET_KEY } });
  const child = spawn(cli.argv[0]!, cli.argv.slice(1), { cwd: cli.cwd, env: cli.env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.destroy();
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('close', (exitCode) => resolve({ exitCode, stderr })));
}

describe('migrate with its output piped into a reader that has gone (`| head`, `| true`)', () => {
  it('--help exits 0 without a stack trace', async () => {
    const result = await withClosedStdout(project({}), ['--help']);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
  });

  it('check runs to the end and exits with its own code', async () => {
    const { legacy, target } = await providers();
    const cwd = project({ 'migrate.yaml': configYaml({ legacyUrl: legacy.url, targetUrl: target.url }) });
    const result = await withClosedStdout(cwd, ['check', '--samples', '1']);
    expect(result.stderr).not.toMatch(/EPIPE|Unhandled|\n\s+at /);
    expect(result.stderr).toContain('all required checks passed');
    expect(result.exitCode).toBe(0);
    // chat, stream, the warm-up and the one sample: nothing was cut short.
    for (const provider of [legacy, target]) expect(provider.count({ path: '/v1/chat/completions', status: 200 })).toBe(4);
  });
});

describe('migrate start-up', () => {
  // module.register (Node 20.6+) installs resolve hooks that log every module URL the program
  // resolves; ESM imports of CommonJS packages (undici) go through resolve too.
  async function modulesLoadedBy(args: string[]): Promise<string[]> {
    const log = path.join(tempProject('migrate-modules-'), 'modules.log');
    const cwd = project({});
    const register = path.join(ROOT, 'test/check/module-log/register.mjs');
    const result = await migrate(cwd, args, { nodeArgs: ['--import', register], env: { MODULE_LOG: log } });
    expect(result.stderr).not.toMatch(/hooks|register/i);
    return readFileSync(log, 'utf8').split('\n').filter(Boolean);
  }
  // The CLI runs from a bundle (scripts/build.js), so undici and yaml are found by their code, not
  // their paths: each loaded file is read for a marker only that library's code holds.
  const MARKERS = { undici: 'UND_ERR_', yaml: 'YAMLParseError' };
  const holds = (url: string, marker: string) => url.startsWith('file:') && readFileSync(fileURLToPath(url), 'utf8').includes(marker);
  const heavy = (urls: string[]) => urls.filter((u) => /\/dist\/(commands|core)\/|\/dist\/main\.js/.test(u) || Object.values(MARKERS).some((m) => holds(u, m)));

  it('--version and --help load neither undici, yaml nor any command code', async () => {
    for (const args of [['--help'], ['check', '--help']]) {
      const urls = await modulesLoadedBy(args);
      expect(urls).toContain(`file://${ROOT}/dist/cli.js`);
      expect(heavy(urls), args.join(' ')).toEqual([]);
    }
    // The launcher answers --version alone without loading the CLI at all.
    expect((await modulesLoadedBy(['--version'])).filter((u) => u.includes('/dist/'))).toEqual([]);
  });

  it('the hook does see them when a command runs (so the test above can fail); check reads its config without yaml', async () => {
    const { legacy, target } = await providers();
    const cwd = project({ 'migrate.yaml': configYaml({ legacyUrl: legacy.url, targetUrl: target.url }) });
    const config = ['--config', path.join(cwd, 'migrate.yaml')];
    const checked = heavy(await modulesLoadedBy(['check', '--samples', '1', ...config]));
    expect(checked.some((u) => u.includes('/dist/commands/check/'))).toBe(true);
    expect(checked.some((u) => holds(u, MARKERS.undici))).toBe(true);
    // A plain config is read by js-yaml; yaml (for file:line errors and anchors) is not loaded.
    expect(checked.some((u) => holds(u, MARKERS.yaml))).toBe(false);
    // `migrate config` prints YAML, so it does load yaml.
    expect(heavy(await modulesLoadedBy(['config', ...config])).some((u) => holds(u, MARKERS.yaml))).toBe(true);
  });
});

describe('migrate check: interrupted', () => {
  it('exits 130 promptly on Ctrl-C while a provider hangs', async () => {
    const { legacy, target } = await providers({ faults: { hang: true } });
    const cwd = project({ 'migrate.yaml': configYaml({ legacyUrl: legacy.url, targetUrl: target.url }) });
    const child = migrate(cwd, ['check', '--provider', 'target']);
    while (target.count({ path: '/v1/chat/completions' }) === 0) await new Promise((r) => setTimeout(r, 20));
    const started = Date.now();
    child.kill('SIGINT');
    const result = await child;
    expectExit(result, 130);
    expect(result.stderr).toContain('interrupted by SIGINT');
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

describe('migrate check: where the keys came from', () => {
  it('names the source of each key and base URL (never the value), in the table output and under --json', async () => {
    const { legacy, target } = await providers();
    const yaml = configYaml({ legacyUrl: legacy.url, targetUrl: target.url }).replace('${LEGACY_KEY}', '${MIGRATE_LEGACY_KEY}');
    const files = { '.env.migrate': `MIGRATE_LEGACY_KEY=${LEGACY_KEY}\n` };
    const text = await check(yaml, [], { env: { TARGET_KEY }, files });
    expectExit(text, 0);
    expect(text.stdout).toContain('  providers.legacy.apiKey: ${MIGRATE_LEGACY_KEY} from .env.migrate\n');
    expect(text.stdout).toContain('  providers.target.apiKey: ${TARGET_KEY} from the process environment');
    const doc = await check(yaml, ['--json'], { env: { TARGET_KEY }, files });
    expect(JSON.parse(doc.stdout).origins).toMatchObject({
      'providers.legacy.baseUrl': 'written in migrate.yaml',
      'providers.legacy.apiKey': '${MIGRATE_LEGACY_KEY} from .env.migrate',
    });
    for (const out of [text.stdout + text.stderr, doc.stdout + doc.stderr]) {
      expect(out).not.toContain(LEGACY_KEY);
      expect(out).not.toContain(TARGET_KEY);
    }
  });
});

describe('migrate check: the model the answer names', () => {
  it('warns (exit 0) when the answer names another model than requested, as validate does', async () => {
    const { legacy, target } = await providers({ faults: { defects: { responseModel: 'cheap-model' } } });
    const r = await check(configYaml({ legacyUrl: legacy.url, targetUrl: target.url }), ['--provider', 'target', '--samples', '1', '--json']);
    expectExit(r, 0);
    const chat = JSON.parse(r.stdout).endpoints[0].chat;
    expect(chat).toMatchObject({ status: 'warn', model: 'gpt-4.1', message: 'model: requested gpt-4.1, response names cheap-model' });
  });

  it('sends the mapped name and reports both', async () => {
    const { legacy, target } = await providers({ models: ['openai/gpt-4.1'] });
    const yaml = configYaml({ legacyUrl: legacy.url, targetUrl: target.url, target: ['models: { gpt-4.1: openai/gpt-4.1 }'] });
    const r = await check(yaml, ['--provider', 'target', '--samples', '1', '--json']);
    expectExit(r, 0);
    expect(JSON.parse(r.stdout).endpoints[0].chat).toMatchObject({ status: 'pass', model: 'gpt-4.1', providerModel: 'openai/gpt-4.1' });
    expect(new Set(target.requests.filter((q) => q.path === '/v1/chat/completions').map((q) => q.model))).toEqual(new Set(['openai/gpt-4.1']));
  });
});
