import type { Context } from '../../context.js';
import { loadConfig } from '../../core/config/load.js';
import { resolveEnvironment } from '../../core/config/environment.js';
import { runRamp } from '../../core/ramp/admit.js';
import { rampSettings } from '../../core/ramp/settings.js';

export interface RampFlags {
  stages?: string;
  resume?: boolean;
  validate?: boolean;
  soak?: string;
  interval?: string;
  minSamples?: number;
  rps?: number;
  force?: boolean;
  shadow?: string;
  metricsPort?: number;
}

/** `migrate ramp [--env E] [--stages 10,50,100] [--shadow 10%] [--soak 60s] [--interval 10s] [--min-samples N] [--rps N] [--resume] [--validate] [--force] [--metrics-port N]`. */
export async function run(ctx: Context, flags: RampFlags): Promise<number> {
  ctx.out.jsonLines = true; // events, and an error that ends the ramp, one line each
  const loaded = await loadConfig({ cwd: ctx.cwd, processEnv: ctx.processEnv, configPath: ctx.global.config, environment: ctx.global.env });
  for (const warning of loaded.warnings) ctx.out.warn(warning);
  const { name, envConfig } = resolveEnvironment(loaded, ctx.global.env);
  if (flags.resume && (flags.stages || flags.shadow)) ctx.out.warn('--stages and --shadow are ignored with --resume: the ramp keeps the stages it started with');
  const settings = rampSettings(loaded.config, envConfig, flags.resume ? { ...flags, stages: undefined, shadow: undefined } : flags);
  return runRamp({
    loaded,
    environment: name,
    envConfig,
    settings,
    resume: Boolean(flags.resume),
    force: Boolean(flags.force),
    dryRun: Boolean(ctx.global.dryRun),
    out: ctx.out,
    processEnv: ctx.processEnv,
    cwd: ctx.cwd,
    version: ctx.version,
    signal: ctx.signal,
    prompter: ctx.prompter,
    signals: ctx.signals,
  });
}
