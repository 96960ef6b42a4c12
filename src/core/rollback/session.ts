import type { AppView, AppViewInput } from '../appview/check.js';
import type { ContainerInside } from '../compose/docker.js';
import type { ProviderRole } from '../config/schema.js';
import type { LoadedConfig } from '../config/load.js';
import type { Prompter } from '../prompter.js';
import type { EnvironmentConfig } from '../config/schema.js';
import type { Runner } from '../exec/command.js';
import type { Redactor } from '../redact.js';
import type { DriverInput } from '../traffic/create.js';
import type { ComposeDeps, Composer, Recreate } from './compose.js';
import type { RestorePlan } from './plan.js';
import type { RollbackReport } from './report.js';
import type { BackupChoice } from './select.js';
import type { TrafficReset } from './traffic.js';
import type { Connectivity } from './verify.js';
import { sinceStart } from '../clock.js';

export interface RollbackRequest {
  loaded: LoadedConfig;
  /** The environment's name. */
  environment: string;
  envConfig: EnvironmentConfig;
  /** --to ID */
  to?: string;
  dryRun: boolean;
  /** false with --no-restart */
  restart: boolean;
  /** Asks before the restore (--yes answers; nobody at a terminal without --yes: exit 2). */
  prompter: Prompter;
  /** Aborted on Ctrl-C / SIGTERM. */
  signal: AbortSignal;
  processEnv: NodeJS.ProcessEnv;
  /** How long a running ramp gets to stop (default: its interval + the health timeout + 30 s). */
  rampStopTimeoutMs?: number;
  log: { info: (line: string) => void; warn: (line: string) => void };
}

/** Everything with an effect outside this process, injectable for tests. */
export interface RollbackDeps extends ComposeDeps {
  /** The seam for nginx/command traffic drivers: reset to 0 % after the files are restored. */
  resetTraffic: (input: DriverInput, opts: { run: Runner; dryRun: boolean; again: string; onWarning?: (line: string) => void }) => Promise<TrafficReset | undefined>;
  verify: (config: LoadedConfig['config'], pointsAt: RestorePlan['pointsAt'], opts: { processEnv: NodeJS.ProcessEnv; signal?: AbortSignal }) => Promise<Connectivity>;
  /** What the recreated containers hold, and whether exactly that pair answers. */
  appView: (input: AppViewInput) => Promise<AppView>;
  /** Starts probing the pairs the restored files hold, for appView to reuse (appview/ahead.ts). */
  probeAhead?: (values: Record<string, string>, role: ProviderRole, input: Pick<AppViewInput, 'cutover' | 'config' | 'processEnv' | 'signal'>) => Promise<AppViewInput['verify']>;
}

/** What one run knows before it reads any backup: fixed from the start. */
export interface Session {
  req: RollbackRequest;
  deps: RollbackDeps;
  stateDir: string;
  redactor: Redactor;
  /** sinceStart() when the rollback began (= ms since process start). */
  started: number;
  /** The env files the config lists, absolute. */
  configured: string[];
  /** The compose stack, being found alongside the plan; absent without compose or with --no-restart. */
  composer?: Composer;
  /** How far it got: the failure path's only view of the run. */
  reached: Reached;
  // Set while compose recreates (apply.ts, containers.ts), read when the containers are checked.
  /** Probes started while compose recreates, answering for verifyAppView (undefined: probe as found). */
  ahead?: Promise<AppViewInput['verify'] | undefined>;
  stopAhead?: () => void;
  /** The project's containers as the readiness wait last listed them (hold secrets: never print). */
  listed?: ContainerInside[];
}

/**
 * Written as the steps complete, read only when one fails: the audit line, the ramp state and
 * `--json`'s data say what was done so far. Optional fields are the ones a failure may come before.
 */
export interface Reached {
  stage: 'plan' | 'locked' | 'restored';
  /** Once a backup is chosen. */
  backupId?: string;
  /** Once prepare() finished. */
  report?: RollbackReport;
}

/** What prepare() decided and apply() acts on: every field is there once the plan is made. */
export interface Prepared {
  /** The config to act on: providers.legacy read from the backup when it restores them (prepare.ts). */
  loaded: LoadedConfig;
  choice: BackupChoice;
  plan: RestorePlan;
  /** The services to recreate and how; present exactly when the session has a composer. */
  compose?: { composer: Composer; recreate: Recreate };
  report: RollbackReport;
  /** The command that finishes or re-verifies this rollback, for hints. */
  again: string;
}

/** A step's duration in whole ms, stored in the report's timings. */
export async function timed<T>(report: RollbackReport, key: keyof RollbackReport['timings'], body: () => Promise<T>): Promise<T> {
  const started = sinceStart();
  try {
    return await body();
  } finally {
    report.timings[key] = Math.round(sinceStart() - started);
  }
}

/** What the traffic drivers are given to reset the environment to 0 % (or say what they would do). */
export function driverInput(s: Session, p: Pick<Prepared, 'loaded'>): DriverInput {
  const { req } = s;
  return {
    environment: req.environment,
    envConfig: req.envConfig,
    providers: p.loaded.config.providers,
    configDir: p.loaded.dir,
    secrets: p.loaded.secrets,
    run: s.deps.run,
    processEnv: req.processEnv,
  };
}
