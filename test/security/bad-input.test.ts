// The careless user's sweep: every command given a broken migrate.yaml, a directory or an
// unreadable file where a file belongs, an --env or --to naming nothing, or a huge number for a
// flag ends in a short error naming what is wrong, with exit 2 (3 for a rollback that cannot
// start), no stack trace, no "unexpected", and not one file of the project changed.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { runCli, tempProject } from '../helpers/cli.js';

const KEYS = { LEGACY_KEY: 'sk-legacy-BADINPUT-000000000001', TARGET_KEY: 'sk-target-BADINPUT-000000000002' };
const isRoot = process.getuid?.() === 0;

const CONFIG = `version: 1
providers:
  legacy: { baseUrl: "http://127.0.0.1:9/v1", apiKey: "\${LEGACY_KEY}" }
  target: { baseUrl: "http://127.0.0.1:9/v1", apiKey: "\${TARGET_KEY}" }
models: [gpt-4.1]
environments:
  canary: { envFiles: [.env.canary], traffic: { driver: env, weightKey: W } }
`;

const COMMANDS = [['config'], ['check'], ['validate', '--dry-run'], ['backup'], ['rollback', '--yes', '--no-restart'], ['ramp', '--yes'], ['status'], ['nginx-config']];

function cli(dir: string, args: string[], asUser?: number) {
  return runCli(args, { cwd: dir, user: asUser, env: { ...KEYS, CI: 'true' } });
}

/** Every file of the project with its bytes, mode and owner; .migrate/ may gain an audit line of the refusal. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of await fs.readdir(dir, { recursive: true })) {
    if (name === '.migrate' || name.startsWith('.migrate/')) continue;
    const file = path.join(dir, name);
    const st = await fs.lstat(file);
    out[name] = `${st.mode.toString(8)} ${st.uid}:${st.gid} ${st.isFile() ? (await fs.readFile(file)).toString('base64') : ''}`;
  }
  return out;
}

async function expectRefused(dir: string, args: string[], want: { code?: number; line: string | RegExp }, asUser?: number) {
  const before = await snapshot(dir);
  const r = await cli(dir, args, asUser);
  const label = `${args.join(' ')}: ${String(r.stderr)}`;
  expect(r.exitCode, label).toBe(want.code ?? 2);
  const errors = String(r.stderr)
    .split('\n')
    .filter((l) => l.startsWith('error:'));
  expect(errors.length, label).toBeGreaterThanOrEqual(1);
  if (typeof want.line === 'string') expect(errors[0], label).toContain(want.line);
  else expect(errors[0], label).toMatch(want.line);
  expect(String(r.stderr), label).not.toMatch(/\n\s+at |unexpected:/);
  for (const key of Object.values(KEYS)) expect(String(r.stdout) + String(r.stderr)).not.toContain(key);
  expect(await snapshot(dir), label).toEqual(before);
}

function project(files: Record<string, string> = {}): string {
  return tempProject('migrate-badinput-', { 'migrate.yaml': CONFIG, '.env.canary': 'OPENAI_API_KEY=sk-legacy-BADINPUT-000000000001\n', ...files });
}

describe('bad input to every command', () => {
  it('an empty or garbage migrate.yaml names the file and line', async () => {
    for (const command of COMMANDS) {
      await expectRefused(project({ 'migrate.yaml': '' }), [...command, '--env', 'canary'], { line: 'migrate.yaml:1 the file is empty' });
      await expectRefused(project({ 'migrate.yaml': '\u0001garbage: [\n' }), [...command, '--env', 'canary'], { line: /migrate\.yaml:\d+ / });
    }
  }, 60_000);

  it('a directory named migrate.yaml is no config', async () => {
    const dir = project();
    await fs.rm(path.join(dir, 'migrate.yaml'));
    await fs.mkdir(path.join(dir, 'migrate.yaml'));
    for (const command of COMMANDS) await expectRefused(dir, [...command, '--env', 'canary'], { line: `no migrate.yaml in ${dir}` });
  }, 60_000);

  it('--env naming no environment, in every command that takes one (validate included)', async () => {
    const dir = project();
    for (const command of COMMANDS) await expectRefused(dir, [...command, '--env', 'nope'], { line: 'unknown environment "nope"; migrate.yaml defines: canary' });
  }, 60_000);

  it('a missing env file or a directory in its place stops backup and ramp before anything is written', async () => {
    const missing = project();
    await fs.rm(path.join(missing, '.env.canary'));
    const asDir = project();
    await fs.rm(path.join(asDir, '.env.canary'));
    await fs.mkdir(path.join(asDir, '.env.canary'));
    for (const dir of [missing, asDir]) {
      await expectRefused(dir, ['backup', '--env', 'canary'], { line: 'cannot back up: env file .env.canary is missing' });
      await expectRefused(dir, ['ramp', '--env', 'canary', '--yes'], { line: /\.env\.canary: cannot read env file/ });
    }
  }, 60_000);

  it('a FIFO in place of the env file is refused without opening it (opening one would wait forever)', async () => {
    const dir = project();
    await fs.rm(path.join(dir, '.env.canary'));
    await execa('mkfifo', [path.join(dir, '.env.canary')]);
    const line = `${path.join(dir, '.env.canary')}: not a regular file, so not an env file`;
    for (const args of [
      ['ramp', '--env', 'canary', '--yes'],
      ['ramp', '--env', 'canary', '--dry-run'],
      ['check', '--env', 'canary'],
    ]) {
      await expectRefused(dir, args, { line });
    }
  }, 60_000);

  it('--to naming no backup, or a path, is refused', async () => {
    const dir = project();
    await expectRefused(dir, ['rollback', '--env', 'canary', '--yes', '--to', '20200101T000000.000Z-canary-0000'], {
      code: 3,
      line: 'no backup 20200101T000000.000Z-canary-0000 in',
    });
    await expectRefused(dir, ['rollback', '--env', 'canary', '--yes', '--to', '../../etc'], { line: 'invalid backup id "../../etc"' });
  }, 30_000);

  it('huge numbers for flags that send billed requests are refused, not sent', async () => {
    const dir = project();
    await expectRefused(dir, ['check', '--samples', '99999999999999'], { line: '--samples must be at most 1000' });
    await expectRefused(dir, ['ramp', '--env', 'canary', '--dry-run', '--rps', '1e12'], { line: '--rps must be at most 100' });
    await expectRefused(dir, ['validate', '--dry-run', '--concurrency', '100000'], { line: '--concurrency must be at most 256' });
    await expectRefused(dir, ['ramp', '--env', 'canary', '--dry-run', '--stages', '5,20,1e9'], { line: '--stages: 1000000000 is outside 0 < weight <= 100' });
    await expectRefused(dir, ['nginx-config', '--env', 'canary', '--weight', '1e9'], { line: '--weight must be between 0 and 100' });
    await expectRefused(project({ 'migrate.yaml': `${CONFIG}check: { samples: 5000 }\n` }), ['config'], { line: 'migrate.yaml:8 check.samples: must be at most 1000' });
  }, 60_000);

  it.skipIf(!isRoot)(
    'as a non-root user, an unreadable migrate.yaml or env file is named with "permission denied"',
    async () => {
      for (const [file, what] of [
        ['migrate.yaml', 'config file'],
        ['.env.canary', 'env file'],
      ] as const) {
        const dir = project();
        await fs.chmod(dir, 0o755);
        await fs.chmod(path.join(dir, file), 0o000);
        for (const command of COMMANDS) {
          await expectRefused(dir, [...command, '--env', 'canary'], { line: `cannot read ${what} ${path.join(dir, file)}: permission denied` }, 4321);
        }
      }
    },
    90_000,
  );
});
