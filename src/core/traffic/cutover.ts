import type { ComposeProject } from '../compose/project.js';
import { Redactor } from '../redact.js';
import { envFileSteps } from './env.js';
import type { ModelVariables } from './model-variables.js';
import { executeSteps } from './steps.js';
import type { Step, TrafficDriver } from './types.js';

export interface CutoverOptions {
  /** Absolute paths of the environment's env files. */
  envFiles: string[];
  cutover: Record<string, string>;
  /** The services recreated after the write so they re-read their env files; compose is read only when needed. */
  compose?: () => Promise<{ project: ComposeProject; services: string[] } | undefined>;
  secrets: string[];
  /** Model variables mapped to the target's names, with the cutover keys. */
  modelVariables?: ModelVariables;
}

/**
 * An nginx or command driver moves the traffic, but the env files still name legacy. At 100 %
 * the cut-over keys are written there too (and the services recreated), so the app points at
 * target for good, as with the env driver. Below 100 % the driver works alone; rolling back
 * restores the backup as for every driver.
 */
export function withCutover(driver: TrafficDriver, opts: CutoverOptions): TrafficDriver {
  if (Object.keys(opts.cutover).length === 0 && !opts.modelVariables?.names.length) return driver;
  const redactor = new Redactor(opts.secrets);

  async function cutoverSteps(): Promise<Step[]> {
    return envFileSteps(opts.envFiles, opts.cutover, redactor, await opts.compose?.(), opts.modelVariables);
  }

  return {
    name: driver.name,
    current: () => driver.current(),
    reset: (o) => driver.reset(o),
    plan: async (weight) => [...(await driver.plan(weight)), ...(weight >= 100 ? await cutoverSteps() : [])],
    async apply(weight, o) {
      const applied = await driver.apply(weight, o);
      // Only once the gateway says all traffic is on target: one that stopped short keeps the app on it.
      if (applied.appliedWeight >= 100) await executeSteps(await cutoverSteps(), o);
      return applied;
    },
  };
}
