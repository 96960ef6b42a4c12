// The two ways the issue says people start migrate: `npx migrate` from the repository, and the
// `migrate` command after `npm install -g` of the package (packed here as npm publishes it).
import { cpSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { ROOT, tempProject } from '../helpers/cli.js';

const { version } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
const QUIET = ['--no-audit', '--no-fund', '--loglevel=error'];

describe('installing migrate', () => {
  it('`npx migrate` from the repository runs the built CLI', async () => {
    // npx links the repository into its cache and, the first time, runs its `prepare` (tsc), which
    // rewrites dist/ in place while other test files run the CLI from it: they then load half-written
    // modules. `npm test` has built dist/ already, so the link needs no scripts.
    const r = await execa('npx', ['--offline', 'migrate', '--version'], { cwd: ROOT, reject: false, env: { npm_config_ignore_scripts: 'true' } });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(version);
  });

  it('after `npm install -g` of the packed package, `migrate` runs and loads its dependencies', async () => {
    const dir = tempProject('migrate-install-', {
      'migrate.yaml':
        'version: 1\nproviders:\n  legacy: { baseUrl: "http://127.0.0.1:9/v1", apiKey: "${K}" }\n  target: { baseUrl: "http://127.0.0.1:9/v2", apiKey: "${K}" }\nmodels: [gpt-4.1]\n',
    });
    // The package as published: only the files package.json lists (dist/ is built by `npm test`).
    const pack = await execa('npm', ['pack', '--ignore-scripts', '--pack-destination', dir, ...QUIET], { cwd: ROOT });
    const tarball = path.join(dir, pack.stdout.trim().split('\n').at(-1)!);
    const prefix = path.join(dir, 'global');
    await execa('npm', ['install', '-g', '--prefix', prefix, '--prefer-offline', ...QUIET, tarball], { cwd: dir });
    const migrate = path.join(prefix, 'bin/migrate');

    const v = await execa(migrate, ['--version'], { cwd: dir, reject: false });
    expect(v.stdout.trim()).toBe(version);
    // `config` loads yaml, zod and dotenv from the installed package's own node_modules.
    const shown = await execa(migrate, ['config', '--json'], { cwd: dir, reject: false, env: { K: 'sk-install-test-0000abcd' } });
    expect(shown.exitCode, shown.stderr).toBe(0);
    expect(JSON.parse(shown.stdout).providers.target.baseUrl).toBe('http://127.0.0.1:9/v2');
    expect(shown.stdout).not.toContain('sk-install-test-0000abcd');
    // The built-in suite ships and is found from the installed bundle (not from dist/'s own package.json).
    const plan = await execa(migrate, ['validate', '--dry-run', '--json', '-'], { cwd: dir, reject: false, env: { K: 'sk-install-test-0000abcd' } });
    expect(plan.exitCode, plan.stderr).toBe(0);
    expect((JSON.parse(plan.stdout) as { requests: { case: string }[] }).requests.map((r) => r.case)).toContain('system-prompt');
    // doctor reads the supported Node versions from the package's own package.json.
    const doctor = await execa(migrate, ['doctor'], { cwd: dir, reject: false, env: { K: 'sk-install-test-0000abcd' } });
    expect(doctor.stdout + doctor.stderr).toMatch(/✓ node +Node [\d.]+ \(supported: \^20/);
    // rollback runs from its own build in the installed copy too (no backup here: a one-line error, exit 2).
    const rollback = await execa(migrate, ['rollback', '--env', 'nope', '--dry-run'], { cwd: dir, reject: false, env: { K: 'sk-install-test-0000abcd' } });
    expect(rollback.exitCode).toBe(2);
    expect(rollback.stderr).toMatch(/^error: migrate\.yaml: no environments/m);
    expect(rollback.stderr).not.toMatch(/\n\s+at /);
  }, 120_000);

  it('`npm ci --omit=dev` in a clone succeeds without the build tools and says how to get a built migrate', async () => {
    // The clone's files as git tracks them (dist/ and node_modules/ are not tracked).
    const dir = tempProject('migrate-prod-clone-', {});
    const tracked = (await execa('git', ['ls-files', '-z'], { cwd: ROOT })).stdout.split('\0').filter(Boolean);
    for (const file of tracked) if (existsSync(path.join(ROOT, file))) cpSync(path.join(ROOT, file), path.join(dir, file));

    const ci = await execa('npm', ['ci', '--omit=dev', '--prefer-offline', ...QUIET], { cwd: dir, reject: false });
    expect(ci.exitCode, ci.stderr).toBe(0);
    expect(ci.stderr).toContain('build tools (typescript, esbuild) are not installed, dist/ not built');
    expect(existsSync(path.join(dir, 'node_modules/typescript'))).toBe(false);
    expect(existsSync(path.join(dir, 'node_modules/commander'))).toBe(true);

    // --version needs no build; a command says what to do in one line, no stack trace, exit 2.
    const v = await execa('node', [path.join(dir, 'bin/migrate.js'), '--version'], { cwd: dir, reject: false });
    expect(v.stdout.trim()).toBe(version);
    const help = await execa('node', [path.join(dir, 'bin/migrate.js'), 'config'], { cwd: dir, reject: false });
    expect(help.exitCode).toBe(2);
    expect(help.stderr.trim()).toBe('error: migrate is not built: run `npm ci` (with dev dependencies) in its directory, or install the packed package (README, Install)');
  }, 120_000);
});
