import { CommandFailedError } from '../exec/errors.js';
import { formatArgv } from '../exec/format.js';
import { writeFileAtomic } from '../fs/atomic.js';
import { secretModeWarning } from '../fs/secret-mode.js';
import type { ApplyOptions, Step } from './types.js';

/** Execute one step. A command that exits non-zero throws CommandFailedError (with its stderr's last line). */
export async function executeStep(step: Step, opts: ApplyOptions): Promise<void> {
  if (step.kind === 'file') {
    if (opts.dryRun) {
      opts.onDryRun?.(`would write: ${step.file} (${step.summary.join(', ')})`);
      return;
    }
    const written = await writeFileAtomic(step.file, step.content, { mode: step.mode, inPlace: step.inPlace, private: step.secret === 'own' });
    const warning = step.secret && secretModeWarning(step.file, step.secret, written);
    if (warning) opts.onWarning?.(warning);
    return;
  }
  const result = await opts.run(step.command);
  if (result.exitCode !== 0) throw new CommandFailedError(step.command, result);
}

export async function executeSteps(steps: Step[], opts: ApplyOptions): Promise<void> {
  for (const step of steps) await executeStep(step, opts);
}

/** One line per step for --dry-run and `migrate ramp` plans; never a secret. */
export function describeStep(step: Step): string {
  if (step.kind === 'file') return `write ${step.file} (${step.summary.join(', ')})`;
  return `run ${formatArgv(step.command.argv)}`;
}
