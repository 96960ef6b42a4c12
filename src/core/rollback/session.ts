import type { AppView, AppViewInput } from '../appview/check.js';
import type { ContainerInside } from '../compose/docker.js';
import type { ProviderRole } from '../config/schema.js';
import type { LoadedConfig } from '../config/load.js';
import type { EnvironmentConfig } from '../config/schema.js';
import type { Runner } from '../exec/command.js';
import type { Redactor } from '../redact.js';
import type { DriverInput } from '../traffic/create.js';
import type { ComposeDeps, Composer, Recreate } from './compose.js';
import type { Prompt } from './confirm.js';
import type { RestorePlan } from './plan.js';
import type { RollbackReport } from './report.js';
import type { BackupChoice } from './select.js';
import type { TrafficReset } from './traffic.js';
import type { Connectivity } from './verify.js';

export interface RollbackRequest {
  loaded: LoadedConfig;
  environment: string;
  env: EnvironmentConfig;
  /** --to ID */
  to?: string;
  yes: boolean;
  dryRun: boolean;
  /** false with --no-restart */
  restart: boolean;
  interactive: boolean;
  /** Aborted on Ctrl-C / SIGTERM. */
  signal: AbortSignal;
  processEnv: NodeJS.ProcessEnv;
  /** How long a running ramp gets to stop (default: its interval + the health timeout + 30 s). */
  rampStopTimeoutMs?: number;
  log: { info(line: string): void; warn(line: string): void };
}

/** Everything with an effect outside this process, injectable for tests. */
export interface RollbackDeps extends ComposeDeps {
  prompt: Prompt;
  /** The seam for nginx/command traffic drivers: reset to 0 % after the files are restored. */
  resetTraffic: (input: DriverInput, opts: { run: Runner; dryRun: boolean; again: string; onWarning?: (line: string) => void }) => Promise<TrafficReset | undefined>;
  verify: (config: LoadedConfig['config'], pointsAt: RestorePlan['pointsAt'], opts: { env: NodeJS.ProcessEnv; signal?: AbortSignal }) => Promise<Connectivity>;
  /** What the recreated containers hold, and whether exactly that pair answers. */
  appView: (input: AppViewInput) => Promise<AppView>;
  /** Starts probing the pairs the restored files hold, for appView to reuse (appview/ahead.ts). */
  probeAhead?: (values: Record<string, string>, role: ProviderRole, input: Pick<AppViewInput, 'cutover' | 'config' | 'env' | 'signal'>) => Promise<AppViewInput['verify']>;
}

/** One run's state as it moves through the steps. */
export interface Session {
  req: RollbackRequest;
  deps: RollbackDeps;
  stateDir: string;
  redactor: Redactor;
  /** performance.now() when the rollback began (= ms since process start). */
  started: number;
  /** The env files the config lists, absolute. */
  configured: string[];
  composer?: Composer;
  /** The services to recreate and how, decided by the plan (from the compose model and the keys restored). */
  recreate?: Recreate;
  /** How far it got, for the audit line of a failed run. */
  stage: 'plan' | 'locked' | 'restored';
  choice?: BackupChoice;
  plan?: RestorePlan;
  report?: RollbackReport;
  /** Probes started while compose recreates, answering for verifyAppView (undefined: probe as found). */
  ahead?: Promise<AppViewInput['verify'] | undefined>;
  stopAhead?: () => void;
  /** The project's containers as the readiness wait last listed them (hold secrets: never print). */
  listed?: ContainerInside[];
  /** The command that finishes or re-verifies this rollback, for hints. */
  again?: string;
}

/** A step's duration in whole ms, stored in the report's timings. */
export async function timed<T>(report: RollbackReport, key: keyof RollbackReport['timings'], body: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await body();
  } finally {
    report.timings[key] = Math.round(performance.now() - started);
  }
}
