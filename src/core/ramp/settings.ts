import { UsageError } from '../../errors.js';
import { parseDuration } from '../config/duration.js';
import { effectiveRamp } from '../config/ramp.js';
import type { Config, EnvironmentConfig, GatesConfig, RampConfig } from '../config/schema.js';

/** What one ramp runs with: defaults < top-level `ramp` < the environment's `ramp` < flags. */
export interface RampSettings {
  /** Weights in percent; a shadow stage is a leading 0 (every user on legacy). */
  stages: number[];
  /** The shadow stage's sampled share in percent, when stage 1 is one. */
  shadow?: number;
  soakMs: number;
  intervalMs: number;
  gates: GatesConfig;
  sources: RampConfig['sources'];
  webhook?: string;
  /** Run the validation suite in the preflight (`--validate` or `ramp.validate`). */
  validate: boolean;
  /** Serve the ramp's progress on 127.0.0.1:PORT/metrics (`--metrics-port` or `ramp.metricsPort`). */
  metricsPort?: number;
  /** Said once before the ramp starts (a last stage below 100 %). */
  warnings: string[];
}

export interface RampFlags {
  stages?: string;
  soak?: string;
  interval?: string;
  validate?: boolean;
  /** --min-samples N: gates.minSamples */
  minSamples?: number;
  /** --rps N: sources.probes.rps */
  rps?: number;
  /** --shadow 10%: a shadow stage first, copying that share of requests to target. */
  shadow?: string;
  metricsPort?: number;
}

export function rampSettings(config: Config, envConfig: EnvironmentConfig, flags: RampFlags): RampSettings {
  const merged = effectiveRamp(config, envConfig);
  const where = flags.stages === undefined ? 'ramp.stages' : '--stages';
  const listed = flags.stages === undefined ? merged.stages : parseStages(flags.stages);
  const shadow = shadowShare(listed, merged.shadow, flags.shadow);
  const stages = listed.filter((s): s is number => s !== 'shadow');
  checkStages(stages, where);
  if (shadow !== undefined) assertCanShadow(envConfig, flags.shadow !== undefined ? '--shadow' : where);
  const soakMs = flags.soak === undefined ? merged.soak : flagDuration('--soak', flags.soak);
  const intervalMs = flags.interval === undefined ? merged.interval : flagDuration('--interval', flags.interval);
  if (intervalMs <= 0) throw new UsageError(`--interval must be more than 0, got ${intervalMs}ms`);
  // A zero soak decides before any request was measured: every stage would be inconclusive and roll back.
  if (soakMs <= 0) throw new UsageError(`--soak must be more than 0, got ${soakMs}ms`, { hint: 'give each stage time to be measured, e.g. --soak 60s' });
  const warnings = stages[stages.length - 1] === 100 ? [] : [`the last stage is ${stages[stages.length - 1]}%: the ramp ends without cutting over to target`];
  if (intervalMs > soakMs) warnings.push(`the interval (${intervalMs}ms) is longer than the soak (${soakMs}ms): one decision per stage`);
  // The flag can only turn validation on: a config that asks for it is not overridden by its absence.
  const validate = Boolean(flags.validate) || merged.validate;
  const gates = flags.minSamples === undefined ? merged.gates : { ...merged.gates, minSamples: flags.minSamples };
  return {
    stages: shadow === undefined ? stages : [0, ...stages],
    ...(shadow === undefined ? {} : { shadow }),
    soakMs,
    intervalMs,
    gates,
    sources: withRps(merged.sources, flags.rps),
    webhook: merged.webhook,
    validate,
    metricsPort: flags.metricsPort ?? merged.metricsPort,
    warnings,
  };
}

/** The shadow share when the ramp starts with a shadow stage: `--shadow 10%` adds one (or sets its share). */
function shadowShare(listed: Array<number | 'shadow'>, configured: number, flag: string | undefined): number | undefined {
  if (flag !== undefined) return parseShare(flag);
  if (listed.indexOf('shadow') > 0) throw new UsageError(`--stages: shadow can only be the first stage, e.g. --stages shadow,5,20,50,100`);
  return listed[0] === 'shadow' ? configured : undefined;
}

function parseShare(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*%?\s*$/.exec(text);
  const share = m ? Number(m[1]) : NaN;
  if (!(share > 0 && share <= 100)) throw new UsageError(`--shadow: expected the share of requests to copy to target, like 10%, got "${text}"`);
  return share;
}

/** Only nginx can copy a request: the env and command drivers move whole users or nothing. */
function assertCanShadow(envConfig: EnvironmentConfig, where: string): void {
  if (envConfig.traffic.driver === 'nginx') return;
  throw new UsageError(`${where}: a shadow stage needs the nginx traffic driver (this environment uses ${envConfig.traffic.driver}), which copies requests to target`, {
    hint: 'put the gateway in front of the app with `migrate gateway setup`, or drop the shadow stage',
  });
}

function withRps(sources: RampConfig['sources'], rps: number | undefined): RampConfig['sources'] {
  if (rps === undefined) return sources;
  if (sources.probes === false) {
    throw new UsageError('--rps: the probes are off (ramp.sources.probes: false)', { hint: 'drop --rps, or turn the probes on in migrate.yaml' });
  }
  return { ...sources, probes: { ...sources.probes, rps } };
}

/** "10,50,100" → [10, 50, 100]; "shadow,5,100" → ['shadow', 5, 100]. */
export function parseStages(text: string): Array<number | 'shadow'> {
  const parts = text.split(',').map((p) => p.trim());
  const stages = parts.map((p) => (p === 'shadow' ? p : Number(p)));
  const bad = parts.find((p, i) => p === '' || (stages[i] !== 'shadow' && !Number.isFinite(stages[i])));
  if (bad !== undefined) throw new UsageError(`--stages: "${bad}" is not a number; write weights in percent, e.g. --stages 10,50,100`);
  return stages;
}

/** Increasing, each above 0 and at most 100: a stage that does not move traffic forward is a typo. */
export function checkStages(stages: number[], where: string): void {
  if (stages.length === 0) throw new UsageError(`${where}: give at least one stage, e.g. 10,50,100`);
  const out = stages.find((s) => !(s > 0 && s <= 100));
  if (out !== undefined) throw new UsageError(`${where}: ${out} is outside 0 < weight <= 100`);
  if (stages.some((s, i) => i > 0 && s <= stages[i - 1]!)) {
    throw new UsageError(`${where}: stages must increase, got ${stages.join(', ')}`);
  }
}

function flagDuration(flag: string, text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined) throw new UsageError(`${flag}: expected a duration like 500ms, 10s or 5m, got "${text}"`);
  return ms;
}
