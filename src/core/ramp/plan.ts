import { secretModeWarningAhead } from '../fs/secret-mode.js';
import { describeStep } from '../traffic/steps.js';
import type { TrafficDriver } from '../traffic/types.js';
import type { RampEventInput } from './events.js';
import { sampleArithmetic } from './feasible.js';
import type { RampSettings } from './settings.js';
import { mirrorOf } from './stage-label.js';

export interface PlanInput {
  stages: number[];
  /** Stage 1 is a shadow stage copying this percent of requests to target. */
  shadow?: number;
  /** First stage to run (resume), 0-based. */
  from: number;
  settings: RampSettings;
  driver: TrafficDriver;
  resume: boolean;
  validate: boolean;
  envFiles: string[];
  /** A file a stage would put keys in that group or others may read: said now, not mid-ramp. */
  onWarning?: (line: string) => void;
  /** envStagesNote: what the stages below 100 % really move. */
  note?: string;
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
    const mirror = mirrorOf(i, p.shadow);
    const planned = await p.driver.plan(weight, mirror);
    for (const step of planned) {
      if (step.kind !== 'file' || !step.secret || warned.has(step.file)) continue;
      warned.add(step.file);
      const warning = await secretModeWarningAhead(step.file, step.secret);
      if (warning) p.onWarning?.(warning);
    }
    stages.push({ stage: i + 1, weight, ...(mirror ? { mirror } : {}), soakMs: p.settings.soakMs, intervalMs: p.settings.intervalMs, steps: planned.map(describeStep) });
  }
  const shadow = p.shadow && p.from === 0 ? { shadow: shadowCost(p.shadow) } : {};
  return {
    event: 'plan',
    preflight,
    stages,
    minDurationMs: stages.length * p.settings.soakMs,
    samples: sampleArithmetic(p.settings),
    ...shadow,
    ...(p.note ? { note: p.note } : {}),
  };
}

/** Said before a shadow stage runs: the copies are real requests to target, billed and acted on. */
export function shadowCost(share: number): string {
  return (
    `stage 1 copies ${share}% of real requests to target while legacy answers every user: those requests' tokens are paid twice (about ${share}% more spend for the soak), ` +
    'and target acts on each copy, so do not shadow requests with side effects (tool calls that write, sends, payments)'
  );
}
