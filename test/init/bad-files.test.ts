// init reads every .env* file of the directory it scans: a binary or huge one (a dump named
// .env.db), one it may not read, or a directory it may not list ends in one line naming it and
// exit 2, with nothing written; never a stack trace or an "unexpected" error.
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempProject } from '../helpers/cli.js';

const isRoot = process.getuid?.() === 0;

function init(cwd: string, args: string[] = ['init', '--yes'], asUser = false) {
  return runCli(args, { cwd, user: asUser ? 4321 : undefined, env: { CI: 'true' } });
}

function expectRefused(r: Awaited<ReturnType<typeof init>>, line: string, dir: string) {
  expect(r.exitCode, String(r.stderr)).toBe(2);
  expect(r.stderr).toContain(line);
  expect(r.stderr).not.toContain('unexpected');
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(existsSync(path.join(dir, 'migrate.yaml'))).toBe(false);
  expect(existsSync(path.join(dir, '.env.migrate'))).toBe(false);
}

describe('migrate init on files that are no env files', () => {
  it('refuses a binary .env* file, naming it and the line of its first NUL byte', async () => {
    const dir = tempProject('migrate-init-bad-', { '.env': 'OPENAI_API_KEY=sk-abc\n' });
    await fs.writeFile(path.join(dir, '.env.db'), Buffer.from('A=1\nB=2\n\0\0\x01dump'));
    const r = await init(dir);
    expectRefused(r, `${path.join(dir, '.env.db')}:3: a NUL byte: this is a binary file, not an env file`, dir);
    expect(r.stderr).toContain('hint: init reads every .env* file in the directory: move this one aside');
  });

  it('refuses a .env* file over 1 MiB from its size, before reading it', async () => {
    const dir = tempProject('migrate-init-bad-', { '.env': 'OPENAI_API_KEY=sk-abc\n' });
    await fs.writeFile(path.join(dir, '.env.huge'), `X=${'a'.repeat(2 * 1024 * 1024)}\n`);
    expectRefused(await init(dir), `${path.join(dir, '.env.huge')}: 2.0 MiB (2097155 bytes) is too large for an env file (the limit is 1 MiB): refused`, dir);
  });

  it.skipIf(!isRoot)('as a non-root user: an unreadable .env or an unlistable directory is one line and exit 2', async () => {
    const dir = tempProject('migrate-init-bad-', { '.env': 'OPENAI_API_KEY=sk-abc\n' });
    await fs.chmod(dir, 0o777);
    await fs.chmod(path.join(dir, '.env'), 0o000);
    expectRefused(await init(dir, ['init', '--dry-run'], true), `cannot read env file ${path.join(dir, '.env')}: permission denied`, dir);

    await fs.chmod(path.join(dir, '.env'), 0o644);
    await fs.chmod(dir, 0o711); // may enter, may not list
    expectRefused(await init(dir, ['init', '--dry-run'], true), `cannot read project directory ${dir}: permission denied`, dir);
  });
});
