import { composeUp } from '../compose/commands.js';
import type { ComposeProject } from '../compose/project.js';
import { Redactor } from '../redact.js';
import { fileStep } from './env.js';
import { executeSteps } from './steps.js';
import type { Step, TrafficDriver } from './types.js';

export interface CutoverOptions {
  /** Absolute paths of the environment's env files. */
  envFiles: string[];
  cutover: Record<string, string>;
  /** Recreated after the write so the services re-read their env files; the project is detected only when needed. */
  compose?: { project: () => Promise<ComposeProject>; services: string[] };
  secrets: string[];
}

/**
 * An nginx or command driver moves the traffic, but the env files still name legacy. At 100 %
 * the cut-over keys are written there too (and the services recreated), so the app points at
 * target for good, as with the env driver. Below 100 % the driver works alone; rolling back
 * restores the backup as for every driver.
 */
export function withCutover(driver: TrafficDriver, opts: CutoverOptions): TrafficDriver {
  if (Object.keys(opts.cutover).length === 0) return driver;
  const redactor = new Redactor(opts.secrets);

  async function cutoverSteps(): Promise<Step[]> {
    const writes: Step[] = [];
    for (const file of opts.envFiles) {
      const step = await fileStep(file, opts.cutover, redactor);
      if (step) writes.push(step);
    }
    // Recreate even when no file changed: a crash may have come between the write and the recreate.
    const recreate: Step[] = opts.compose ? [{ kind: 'command', command: composeUp(await opts.compose.project(), opts.compose.services) }] : [];
    return [...writes, ...recreate];
  }

  return {
    name: driver.name,
    current: () => driver.current(),
    reset: (o) => driver.reset(o),
    plan: async (weight) => [...(await driver.plan(weight)), ...(weight >= 100 ? await cutoverSteps() : [])],
    async apply(weight, o) {
      const applied = await driver.apply(weight, o);
      if (weight >= 100) await executeSteps(await cutoverSteps(), o);
      return applied;
    },
  };
}
