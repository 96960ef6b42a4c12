import type { LoadedConfig } from '../config/load.js';
import { formatArgv } from '../exec/format.js';
import { assertBackupScope } from '../state/backup-scope.js';
import { verifyBackup } from '../state/backup-verify.js';
import { legacyFromRestore } from '../config/rebase.js';
import { type RestorePlan, planRestore } from './plan.js';
import { readRamp } from './ramp-state.js';
import { UNLESS_HELD, describeBackup, describePlan } from './render.js';
import { newReport } from './report.js';
import { type BackupChoice, selectBackup } from './select.js';
import type { Prepared, Session } from './session.js';
import { sinceStart } from '../clock.js';

/**
 * Reads only: choose the backup, verify its checksums, diff it against the files on disk and
 * show that. Compose detection (started earlier) is awaited here only for the command to show.
 */
export async function prepare(s: Session): Promise<Prepared> {
  const { req } = s;
  const ramp = await readRamp(s.stateDir, req.environment, req.log.warn);
  // A ramp already rolled back is history: a backup taken since (a rotated key) must not be skipped.
  const current = ramp && ramp.status !== 'rolled-back' ? { backupId: ramp.backupId, startedAt: ramp.startedAt } : undefined;
  const choice = await selectBackup({ stateDir: s.stateDir, environment: req.environment, to: req.to, ramp: current });
  s.reached.backupId = choice.backup.id;
  for (const warning of choice.warnings) req.log.warn(warning);
  if (choice.note) req.log.warn(choice.note);
  await assertBackupScope(choice.backup, req.environment, s.configured); // before the plan reads what it names
  await verifyBackup(choice.backup);
  const first = await planRestore(choice.backup, req.loaded.config.providers, s.configured);
  s.redactor.add(...first.secrets);
  const { loaded, plan } = await legacyFromBackup(s, choice, first);

  const detectStarted = sinceStart();
  const compose = s.composer ? { composer: s.composer, recreate: await s.composer.recreate(restoredKeys(plan)) } : undefined;
  const command = compose?.recreate.command ? formatArgv(compose.recreate.command.argv) : null;
  const detectMs = Math.round(sinceStart() - detectStarted);
  const report = newReport(req, choice, plan, command, compose?.recreate.services ?? []);
  report.timings.startupMs = Math.round(s.started);
  report.timings.detectMs = detectMs;
  s.reached.report = report;
  const again = `migrate rollback --env ${req.environment} --to ${choice.backup.id}${req.restart ? '' : ' --no-restart'} --yes`;

  req.log.info(`${req.dryRun ? 'dry run: ' : ''}rolling back ${req.environment} to ${describeBackup(choice)}`);
  if (!req.dryRun) showPlan(s, plan, command, compose !== undefined); // a dry run prints it on stdout
  return { loaded, choice, plan, compose, report, again };
}

function showPlan(s: Session, plan: RestorePlan, command: string | null, composing: boolean): void {
  const { log } = s.req;
  for (const line of describePlan(plan)) log.info(line);
  if (command) log.info(`  then${plan.files.some((f) => f.changed) ? '' : UNLESS_HELD}: ${command}`);
  else if (composing) log.info('  no compose service reads these env files: nothing to recreate');
  else if (s.req.envConfig.compose) log.info('  services are not recreated (--no-restart)');
}

/** Keys the restore changes in any file: a service that substitutes one from the project .env must be recreated. */
function restoredKeys(plan: RestorePlan): string[] {
  return plan.files.flatMap((f) => [...f.diff.added, ...f.diff.removed, ...f.diff.changed]);
}

/**
 * The legacy key or base URL read from an env file this rollback restores is taken from the
 * backup copy (the state being restored), not from the file on disk, which may hold the target's
 * values after a cut-over. The plan is made again with those providers (same verified copies).
 */
async function legacyFromBackup(s: Session, choice: BackupChoice, plan: RestorePlan): Promise<{ loaded: LoadedConfig; plan: RestorePlan }> {
  const { req } = s;
  const rebased = legacyFromRestore(req.loaded, plan.files);
  if (!rebased) return { loaded: req.loaded, plan };
  if ('problem' in rebased) {
    req.log.warn(`providers.legacy: cannot resolve it from backup ${choice.backup.id} (${s.redactor.text(rebased.problem)}); using the values loaded from disk`);
    return { loaded: req.loaded, plan };
  }
  s.redactor.add(...rebased.loaded.secrets);
  req.log.info(`providers.legacy: ${rebased.names.join(', ')} read from backup ${choice.backup.id}, the copy being restored`);
  return {
    loaded: rebased.loaded,
    plan: await planRestore(
      choice.backup,
      rebased.loaded.config.providers,
      s.configured,
      plan.files.map((f) => f.content),
    ),
  };
}

/** Files may have changed while we waited for a ramp to stop: restore against what is there now. */
export async function replan(s: Session, p: Prepared): Promise<RestorePlan> {
  const before = p.plan;
  const plan = await planRestore(
    before.backup,
    p.loaded.config.providers,
    s.configured,
    before.files.map((f) => f.content),
  );
  const now = describePlan(plan);
  if (now.join('\n') !== describePlan(before).join('\n')) {
    s.req.log.info('the env files changed while waiting for the lock; restoring against what is there now:');
    for (const line of now) s.req.log.info(line);
  }
  return plan;
}
