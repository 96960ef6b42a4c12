import { secretModeWarningAhead } from '../fs/secret-mode.js';
import { describeStep } from '../traffic/steps.js';
import type { EnvironmentConfig } from '../config/schema.js';
import type { TrafficDriver } from '../traffic/types.js';
import type { RampEventInput } from './events.js';
import { sampleArithmetic } from './feasible.js';
import type { RampSettings } from './settings.js';

export interface PlanInput {
  stages: number[];
  /** First stage to run (resume), 0-based. */
  from: number;
  settings: RampSettings;
  driver: TrafficDriver;
  resume: boolean;
  validate: boolean;
  envFiles: string[];
  env: Pick<EnvironmentConfig, 'traffic'>;
  /** A file a stage would put keys in that group or others may read: said now, not mid-ramp. */
  onWarning?: (line: string) => void;
}

/**
 * --dry-run: every stage with its window and the exact writes and commands the driver would do
 * (the driver's plan reads the files as they are now; nothing is written).
 */
export async function rampPlan(p: PlanInput): Promise<Extract<RampEventInput, { event: 'plan' }>> {
  const preflight = [
    'take the environment lock',
    'check the target provider (2 samples per endpoint)',
    ...(p.validate ? ['run the validation suite on legacy and target'] : []),
    p.resume ? 'reuse the backup the ramp took when it started' : `back up ${p.envFiles.join(', ')}`,
  ];
  const stages = [];
  const warned = new Set<string>();
  for (let i = p.from; i < p.stages.length; i++) {
    const weight = p.stages[i]!;
    const planned = await p.driver.plan(weight);
    for (const step of planned) {
      if (step.kind !== 'file' || !step.secret || warned.has(step.file)) continue;
      warned.add(step.file);
      const warning = await secretModeWarningAhead(step.file, step.secret);
      if (warning) p.onWarning?.(warning);
    }
    stages.push({ stage: i + 1, weight, soakMs: p.settings.soakMs, intervalMs: p.settings.intervalMs, steps: planned.map(describeStep) });
  }
  const note = envDriverNote(p.env, p.stages.slice(p.from));
  return { event: 'plan', preflight, stages, minDurationMs: stages.length * p.settings.soakMs, samples: sampleArithmetic(p.settings), ...(note ? { note } : {}) };
}

/**
 * The env driver below 100 % writes only the weight key. Most apps read a base URL and a key, not
 * a weight, so for them those stages move nothing and the cut-over at 100 % moves everything.
 */
export function envDriverNote(env: Pick<EnvironmentConfig, 'traffic'>, stages: number[]): string | undefined {
  if (env.traffic.driver !== 'env' || !stages.some((w) => w > 0 && w < 100)) return undefined;
  return `env driver: stages below 100 % only write ${env.traffic.weightKey}; unless the app reads it itself, its traffic stays on legacy until the cut-over at 100 % moves all of it (for a real split, use traffic.driver nginx)`;
}
