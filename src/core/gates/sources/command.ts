import { lastLine } from '../../exec/errors.js';
import { commandArgv } from '../../exec/format.js';
import type { Runner } from '../../exec/command.js';
import { MigrateError } from '../../../errors.js';
import type { GateSource, Reading, WindowSpec } from '../types.js';
import { oneLine, parseVerdict } from './verdict.js';

export interface CommandSourceOptions {
  /** A string runs through `sh -c`; an array runs as is. */
  command: string | string[];
  cwd: string;
  run: Runner;
  timeoutMs?: number;
}

/**
 * A user's check: exit 0 passes, non-zero fails, and a last stdout line
 * `{"verdict": "pass|fail|inconclusive", "reason": "..."}` wins over the exit status.
 * It sees MIGRATE_ENV, MIGRATE_WEIGHT, MIGRATE_STAGE (1-based) and MIGRATE_WINDOW_SECONDS.
 * Not starting, or timing out, is a source error: it says nothing about the target.
 */
export function commandSource(opts: CommandSourceOptions): GateSource {
  const argv = commandArgv(opts.command);
  return {
    name: 'command',
    async read(w: WindowSpec): Promise<Reading> {
      const env = {
        MIGRATE_ENV: w.environment,
        MIGRATE_WEIGHT: String(w.weight),
        MIGRATE_STAGE: String(w.stageIndex + 1),
        MIGRATE_WINDOW_SECONDS: String(Math.round((w.to - w.from) / 1000)),
      };
      try {
        const result = await opts.run({ argv, env, cwd: opts.cwd, kind: 'read', timeoutMs: opts.timeoutMs ?? 30_000, description: 'gate check' });
        if (result.timedOut) return { source: 'command', kind: 'error', message: `timed out after ${opts.timeoutMs ?? 30_000}ms` };
        const answer = parseVerdict(lastLine(result.stdout));
        if (answer) return { source: 'command', kind: 'verdict', verdict: answer.verdict, detail: answer.reason };
        if (result.exitCode === 0) return { source: 'command', kind: 'verdict', verdict: 'pass' };
        const why = lastLine(result.stderr) || lastLine(result.stdout);
        return { source: 'command', kind: 'verdict', verdict: 'fail', detail: oneLine(`exit code ${result.exitCode}${why ? `: ${why}` : ''}`) };
      } catch (err) {
        if (err instanceof MigrateError && err.exitCode === 130) throw err; // interrupted: not a gate outcome
        return { source: 'command', kind: 'error', message: oneLine((err as Error).message) };
      }
    },
  };
}
