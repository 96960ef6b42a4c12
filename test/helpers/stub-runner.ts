// A Runner for code paths that run docker, compose or nginx, where the test wants exact commands
// without the programs (GitHub CLI's run.Stub): each stub answers one command with the argv
// given, a command no stub matches fails the test, and so does a stub that never ran. Tests that
// can use the real programs do (test/helpers/docker.ts, nginx.ts); this is for the rest.
import { onTestFinished } from 'vitest';
import type { Command, RunResult, Runner } from '../../src/core/exec/command.js';

export interface StubRunner extends Runner {
  /** Answers the next command whose argv is exactly `argv` (once); exit 0 and no output unless `result` says. */
  stub(argv: string[], result?: Partial<RunResult>): StubRunner;
  /** Every command run, in order, matched or not. */
  readonly ran: Command[];
  /** What fails the test when it ends: commands no stub matched, stubs that never ran. */
  problems(): string[];
}

interface Stub {
  argv: string[];
  result: Partial<RunResult>;
  matched: boolean;
}

const shown = (argv: string[]) => argv.join(' ');

/**
 * Must be called inside a test: the check that every stub ran is registered on it (`check: false`
 * only for this helper's own test, which reads problems() itself).
 */
export function stubRunner({ check = true }: { check?: boolean } = {}): StubRunner {
  const stubs: Stub[] = [];
  const unexpected: string[] = [];
  const ran: Command[] = [];
  const run = async (cmd: Command): Promise<RunResult> => {
    ran.push(cmd);
    const stub = stubs.find((s) => !s.matched && s.argv.length === cmd.argv.length && s.argv.every((a, i) => a === cmd.argv[i]));
    if (!stub) {
      // Recorded as well as thrown: code under test may catch the error, the test must still fail.
      unexpected.push(shown(cmd.argv));
      throw new Error(`unexpected command (no stub matches): ${shown(cmd.argv)}`);
    }
    stub.matched = true;
    return { exitCode: 0, stdout: '', stderr: '', durationMs: 1, skipped: false, timedOut: false, ...stub.result };
  };
  const runner = Object.assign(run, {
    ran,
    stub(argv: string[], result: Partial<RunResult> = {}) {
      stubs.push({ argv, result, matched: false });
      return runner;
    },
    problems: () => [...unexpected.map((c) => `ran without a stub: ${c}`), ...stubs.filter((s) => !s.matched).map((s) => `stub never ran: ${shown(s.argv)}`)],
  });
  if (check)
    onTestFinished(() => {
      const problems = runner.problems();
      if (problems.length > 0) throw new Error(problems.join('\n'));
    });
  return runner;
}
