import path from 'node:path';
import { MigrateError } from '../../errors.js';
import { detectCompose } from '../compose/detect.js';
import { resolveConfigPath } from '../config/environment.js';
import type { Runner } from '../exec/command.js';
import { preloadRunner } from '../exec/run.js';
import { Redactor } from '../redact.js';
import { resolveStateDir } from '../state/paths.js';
import { UntrustedStateError } from '../state/trust.js';
import { auditRollback } from './audit.js';
import { prepareCompose } from './compose.js';
import { assertCanConfirmRollback, confirmRollback } from './confirm.js';
import { redactError } from './failures.js';
import type { RestorePlan } from './plan.js';
import { prepare } from './prepare.js';
import { recordRollbackFailed } from './ramp-state.js';
import type { RollbackReport } from './report.js';
import { type Prepared, type Reached, type RollbackDeps, type RollbackRequest, type Session, driverInput } from './session.js';
import { sinceStart } from '../clock.js';

/**
 * The real effects. The HTTP client and the traffic drivers are imported on first use: loading
 * them up front would add a few hundred milliseconds before the first file is restored.
 */
export const defaultDeps = (run: Runner, detect: RollbackDeps['detectCompose'] = detectCompose): RollbackDeps => ({
  run,
  detectCompose: detect,
  resetTraffic: async (...args) => (await import('./traffic.js')).resetTraffic(...args),
  verify: async (...args) => (await import('./verify.js')).verifyConnectivity(...args),
  appView: async (...args) => (await import('../appview/check.js')).verifyAppView(...args),
  probeAhead: async (...args) => (await import('../appview/ahead.js')).probeAhead(...args),
});

/**
 * plan → verify backup → confirm → lock → reset traffic → restore → recreate → wait → verify
 * connectivity → record, with an audit line whatever happens (dry runs excepted). Confirmation
 * comes before the lock so that answering "no" never disturbs a running ramp; the plan is made
 * again under the lock, because a ramp that stopped on our request may have changed the files.
 */
export async function rollback(req: RollbackRequest, deps: RollbackDeps): Promise<{ report: RollbackReport; plan: RestorePlan }> {
  const stateDir = resolveStateDir(req.loaded.dir, req.loaded.config.stateDir);
  const s: Session = {
    req,
    deps,
    stateDir,
    redactor: new Redactor(req.loaded.secrets),
    started: sinceStart(),
    configured: req.envConfig.envFiles.map((f) => resolveConfigPath(req.loaded, f)),
    // Detection (when needed) and the compose model start now and run alongside the plan.
    composer:
      req.envConfig.compose && req.restart
        ? prepareCompose(
            {
              environment: req.environment,
              envConfig: { ...req.envConfig, compose: req.envConfig.compose },
              configDir: req.loaded.dir,
              processEnv: req.processEnv,
              at: req.loaded.at,
            },
            deps,
            {
              cacheFile: path.join(stateDir, 'compose-cli.json'),
            },
          )
        : undefined,
    reached: { stage: 'plan' },
  };
  // The recreate is the first command a rollback runs: have the runner loaded by then.
  if (s.composer && !req.dryRun) preloadRunner();
  // What only a real rollback runs (lock, restore, recreate, wait, container checks) is imported when
  // one runs, so a dry run neither compiles nor evaluates it; a real one starts loading it now,
  // while the plan reads files.
  if (!req.dryRun) import('./locked.js').catch(() => undefined); // a failure shows again where it is awaited
  try {
    const done = await run(s);
    done.report.durationMs = Math.round(sinceStart() - s.started);
    if (!req.dryRun) await auditRollback(s, 'ok');
    return { report: done.report, plan: done.plan };
  } catch (err) {
    const safe = redactError(err, s.redactor);
    const { stage, report } = s.reached;
    // With --json, CI still learns which files were restored and what compose ran.
    if (safe instanceof MigrateError && report && stage !== 'plan') safe.data = s.redactor.value(report);
    if (!req.dryRun && stage !== 'plan') await recordRollbackFailed(s.stateDir, req.environment, (safe as Error).message).catch(() => undefined);
    // An untrusted state directory gets no audit line: appending to it is what we refuse to do.
    if (!req.dryRun && !(err instanceof UntrustedStateError)) await auditRollback(s, outcome(safe, stage), safe);
    throw safe;
  }
}

/** The plan, then (unless a dry run) confirmation, the lock and apply() (locked.ts); returns what was done. */
async function run(s: Session): Promise<Prepared> {
  const { req } = s;
  const p = await prepare(s);
  const { report } = p;
  assertCanConfirmRollback(req.prompter, req.environment);
  if (req.dryRun) {
    report.traffic = (await s.deps.resetTraffic(driverInput(s, p), { run: s.deps.run, dryRun: true, again: p.again })) ?? null;
    report.ok = true;
    return p;
  }
  const changing = p.plan.files.filter((f) => f.changed).length;
  const recreate = report.compose.command ? (changing > 0 ? ' and recreate its services' : ' and recreate its services where they do not hold them') : '';
  const question = `Restore ${changing} env file(s) of ${req.environment}${recreate}?`;
  await confirmRollback(req.prompter, question, req.signal);

  report.timings.planMs = Math.round(sinceStart() - s.started);
  return (await import('./locked.js')).lockAndApply(s, p);
}

function outcome(err: unknown, stage: Reached['stage']): string {
  const code = (err as { exitCode?: number }).exitCode;
  if (code === 130) return stage === 'plan' ? 'cancelled' : 'interrupted';
  return stage === 'plan' ? 'refused' : 'failed';
}
