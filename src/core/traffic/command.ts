import { commandArgv } from '../exec/format.js';
import { formatWeight } from './env.js';
import { CommandFailedError } from '../exec/errors.js';
import type { ApplyOptions, Applied, CommandStep, Step, TrafficDriver } from './types.js';

export interface CommandDriverOptions {
  environment: string;
  /** A string runs through `sh -c` (as a person would type it); an array runs as is. */
  command: string | string[];
  timeoutMs: number;
  /** Where it runs: the config file's directory, so relative paths mean what they say in migrate.yaml. */
  cwd: string;
}

/**
 * Any other gateway: the user's command gets MIGRATE_WEIGHT and MIGRATE_ENV. It may print the
 * weight it really applied as its last line (`{"weight": 20}` or `20`); otherwise exit 0 means
 * the requested weight took effect.
 */
export function commandDriver(opts: CommandDriverOptions): TrafficDriver {
  let last: number | undefined;

  function step(weight: number): CommandStep {
    const argv = commandArgv(opts.command);
    return {
      kind: 'command',
      command: {
        argv,
        cwd: opts.cwd,
        env: { MIGRATE_WEIGHT: formatWeight(weight), MIGRATE_ENV: opts.environment },
        kind: 'write',
        timeoutMs: opts.timeoutMs,
        description: `set ${opts.environment}'s weight to ${formatWeight(weight)}%`,
      },
    };
  }

  async function apply(weight: number, o: ApplyOptions): Promise<Applied> {
    const { command } = step(weight);
    const result = await o.run(command);
    if (result.skipped) return { appliedWeight: last ?? 0 }; // --dry-run: nothing changed
    if (result.exitCode !== 0) throw new CommandFailedError(command, result);
    last = reportedWeight(result.stdout) ?? weight;
    return { appliedWeight: last };
  }

  return {
    name: 'command',
    plan: (weight) => Promise.resolve<Step[]>([step(weight)]),
    apply,
    reset: (o) => apply(0, o),
    current: () => Promise.resolve(last),
  };
}

/** The weight a command says it applied on its last non-empty line, if it says one. */
export function reportedWeight(stdout: string): number | undefined {
  const line = stdout.trim().split('\n').pop()?.trim() ?? '';
  if (line === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof value === 'object' && value !== null) {
    const reported = value as { weight?: unknown; appliedWeight?: unknown };
    value = reported.weight ?? reported.appliedWeight;
  }
  return typeof value === 'number' && value >= 0 && value <= 100 ? value : undefined;
}
