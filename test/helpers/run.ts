// The runner for tests that drive docker, compose and nginx themselves (fixtures up and down,
// looking inside containers): bound to this test process's environment, said once here, where
// the CLI binds it to the Context's processEnv. Code under test still gets the environment the
// test injects; this is only for the test's own commands.
import type { Runner } from '../../src/core/exec/command.js';
import * as exec from '../../src/core/exec/run.js';

type Options = Omit<exec.RunOptions, 'processEnv'> & Partial<Pick<exec.RunOptions, 'processEnv'>>;

export function runCommand(cmd: Parameters<typeof exec.runCommand>[0], opts: Options = {}): ReturnType<typeof exec.runCommand> {
  return exec.runCommand(cmd, { processEnv: process.env, ...opts });
}

export function createRunner(opts: Options = {}): Runner {
  return exec.createRunner({ processEnv: process.env, ...opts });
}
