// Runs one command's run() in this process, as main.ts's execute() would, with the environment and
// working directory given (never this process's) and stdout/stderr captured. For tests that need
// no child process: they start in milliseconds and can inject what the CLI reads from outside.
// A test scripts a person with `prompter` (test/helpers/prompter.ts; default: nobody at a terminal).
// Not covered here: signal trapping (test/ramp/interrupts.test.ts drives the same signalHub) and
// the few lines report() writes to process.stderr (hints).
import { Writable } from 'node:stream';
import type { CommandRun, Context, GlobalOptions } from '../../src/context.js';
import { Output } from '../../src/core/output/output.js';
import type { Prompter } from '../../src/core/prompter.js';
import { signalHub } from '../../src/core/signals.js';
import { report } from '../../src/main.js';
import { noTerminal } from './prompter.js';

export interface InProcessResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

function capture(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

export async function runInProcess<O>(
  load: () => Promise<{ run: CommandRun<O> }>,
  opts: O,
  o: { cwd: string; processEnv: NodeJS.ProcessEnv; global?: GlobalOptions; prompter?: Prompter },
): Promise<InProcessResult> {
  const { cwd, processEnv, global = {} } = o;
  const controller = new AbortController();
  const hub = signalHub(controller, () => {
    throw new Error('an in-process command asked to exit the process');
  });
  const stdout = capture();
  const stderr = capture();
  const out = new Output({ stdout: stdout.stream, stderr: stderr.stream, json: global.json === true, quiet: Boolean(global.quiet), verbose: false, color: false, live: false });
  const prompter = o.prompter ?? noTerminal({ yes: Boolean(global.yes), dryRun: Boolean(global.dryRun) });
  const ctx: Context = { cwd, processEnv, out, global, prompter, ci: true, signal: controller.signal, signals: hub.hooks, version: '0.0.0-test' };
  let exitCode: number;
  try {
    exitCode = (await (await load()).run(ctx, opts)) ?? 0;
  } catch (err) {
    exitCode = report(ctx, err);
  }
  return { exitCode, stdout: stdout.text(), stderr: stderr.text() };
}
