import { MigrateError, RollbackError } from '../../errors.js';
import type { Runner } from '../exec/command.js';
import type { DriverInput } from '../traffic/create.js';

export interface TrafficReset {
  driver: 'nginx' | 'command';
  /** What the driver reports after resetting (0 = all traffic on legacy); undefined on a dry run. */
  appliedWeight?: number;
  /** The steps, one line each, secrets redacted (printed under --dry-run). */
  steps: string[];
}

/**
 * The env driver's weight lives in the env files, so restoring them resets it. An nginx or
 * command driver keeps its split elsewhere: put it back to 0 % target by its own means.
 */
export async function resetTraffic(
  input: DriverInput,
  opts: { run: Runner; dryRun: boolean; again: string; onWarning?: (line: string) => void },
): Promise<TrafficReset | undefined> {
  const kind = input.envConfig.traffic.driver;
  if (kind === 'env') return undefined;
  // Loaded only when needed: the env driver (the common case) must not pay for nginx and its friends.
  const [{ createTrafficDriver }, { describeStep }] = await Promise.all([import('../traffic/create.js'), import('../traffic/steps.js')]);
  const driver = await createTrafficDriver(input);
  const steps = (await driver.plan(0)).map(describeStep);
  if (opts.dryRun) return { driver: kind, steps };
  try {
    const { appliedWeight } = await driver.reset({ run: opts.run, onWarning: opts.onWarning });
    return { driver: kind, appliedWeight, steps };
  } catch (err) {
    const why = err instanceof MigrateError ? err.message : String((err as Error).message ?? err);
    throw new RollbackError(`env files are restored but the ${kind} traffic driver could not be reset to 0 %: ${why}`, {
      // The driver's own advice (which container to recreate) comes first; the hint says how to finish.
      details: err instanceof MigrateError ? [...err.details, ...(err.hint ? [err.hint] : [])] : [],
      hint: `fix the ${kind} driver (see above), then run \`${opts.again}\``,
      cause: err,
    });
  }
}
