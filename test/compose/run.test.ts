import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { InterruptedError, UsageError } from '../../src/errors.js';
import { CommandFailedError, CommandNotFoundError } from '../../src/core/exec/errors.js';
import * as exec from '../../src/core/exec/run.js';
import { createRunner, runCommand } from '../helpers/run.js';
import { type Command } from '../../src/core/exec/command.js';
import { tempProject } from '../helpers/project.js';

const node = process.execPath;
const tmp = () => tempProject('migrate-exec-');

/** A write: creates `file`, so the test can see whether it ran. */
function touch(file: string): Command {
  return { argv: [node, '-e', 'require("fs").writeFileSync(process.argv[1], "x")', file], kind: 'write' };
}

describe('runCommand', () => {
  it('runs a command and returns its output and exit code', async () => {
    const result = await runCommand({ argv: [node, '-e', 'process.stdout.write("out"); process.stderr.write("err"); process.exit(7)'], kind: 'read' });
    expect(result).toMatchObject({ exitCode: 7, stdout: 'out', stderr: 'err', skipped: false, timedOut: false });
    expect(result.durationMs).toBeGreaterThan(0);
  });

  it('passes arguments as they are, never through a shell', async () => {
    const dir = tmp();
    const tricky = `$(touch ${path.join(dir, 'pwned')}) *; echo`;
    const result = await runCommand({ argv: [node, '-e', 'process.stdout.write(process.argv[1])', tricky], kind: 'read', cwd: dir });
    expect(result.stdout).toBe(tricky);
    expect(existsSync(path.join(dir, 'pwned'))).toBe(false);
  });

  it("runs in exactly the processEnv it was given, plus the command's env, and in cwd: nothing from this process", async () => {
    const dir = tmp();
    // Set here, absent from the given environment: the child must not see it (execa's default would copy it in).
    process.env.MIGRATE_TEST_LEAK = 'from-the-test-process';
    onTestFinished(() => void delete process.env.MIGRATE_TEST_LEAK);
    const result = await exec.runCommand(
      { argv: [node, '-e', 'process.stdout.write(JSON.stringify({ env: process.env, cwd: process.cwd() }))'], kind: 'read', cwd: dir, env: { MIGRATE_TEST_VAR: 'canary' } },
      { processEnv: { MIGRATE_GIVEN: 'context', MIGRATE_TEST_VAR: 'overridden' } },
    );
    expect(JSON.parse(result.stdout)).toEqual({ env: { MIGRATE_GIVEN: 'context', MIGRATE_TEST_VAR: 'canary' }, cwd: dir });
  });

  it('performs writes when not in dry-run', async () => {
    const file = path.join(tmp(), 'written');
    const result = await runCommand(touch(file));
    expect(result.skipped).toBe(false);
    expect(existsSync(file)).toBe(true);
  });

  it('dry-run skips writes and reports them, and still runs reads', async () => {
    const file = path.join(tmp(), 'written');
    const reported: string[] = [];
    const run = createRunner({ dryRun: true, onDryRun: (line) => reported.push(line) });
    const write = await run(touch(file));
    const read = await run({ argv: [node, '-e', 'process.stdout.write("read ran")'], kind: 'read' });
    expect(existsSync(file)).toBe(false);
    expect(write).toMatchObject({ skipped: true, exitCode: 0 });
    expect(reported).toEqual([`would run: ${node} -e 'require("fs").writeFileSync(process.argv[1], "x")' ${file}`]);
    expect(read).toMatchObject({ skipped: false, stdout: 'read ran' });
  });

  it('names a missing docker-compose and how to install it (exit 2)', async () => {
    const err = await runCommand({ argv: ['docker-compose', 'version'], kind: 'read', env: { PATH: tmp() } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CommandNotFoundError);
    expect((err as CommandNotFoundError).exitCode).toBe(2);
    expect((err as Error).message).toBe('docker-compose not found: install Docker Compose v2 (docker compose) or v1 (docker-compose)');
  });

  it('names any other missing program', async () => {
    await expect(runCommand({ argv: ['migrate-no-such-program'], kind: 'read' })).rejects.toThrow('migrate-no-such-program not found: install it or put it on PATH');
  });

  it('says when the working directory is the missing thing', async () => {
    const missing = path.join(tmp(), 'gone');
    const err = await runCommand({ argv: [node, '-e', ''], kind: 'read', cwd: missing }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toContain(`directory ${missing} does not exist`);
  });

  it('stops a command at its timeout and says so', async () => {
    const cmd: Command = { argv: [node, '-e', 'setTimeout(() => {}, 20000)'], kind: 'read', timeoutMs: 300 };
    const result = await runCommand(cmd);
    expect(result).toMatchObject({ timedOut: true, exitCode: -1 });
    expect(result.durationMs).toBeLessThan(10_000);
    expect(new CommandFailedError(cmd, result).message).toMatch(/timed out after 300 ms$/);
  });

  it('kills the command and throws InterruptedError when the signal aborts', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const started = Date.now();
    const err = await runCommand({ argv: [node, '-e', 'setTimeout(() => {}, 20000)'], kind: 'read' }, { signal: controller.signal }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InterruptedError);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('does not start a command once interrupted', async () => {
    const file = path.join(tmp(), 'written');
    await expect(runCommand(touch(file), { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(InterruptedError);
    expect(existsSync(file)).toBe(false);
  });

  it('reports a failure with the command line and the last line of stderr', async () => {
    const cmd: Command = { argv: [node, '-e', 'console.error("warming up\\nNo such service: ghost"); process.exit(1)'], kind: 'read' };
    const result = await runCommand(cmd);
    expect(new CommandFailedError(cmd, result).message).toMatch(/` exited with code 1: No such service: ghost$/);
  });
});
