import { formatArgv } from '../exec/format.js';
import { assertBackupScope } from '../state/backup-scope.js';
import { verifyBackup } from '../state/backup-verify.js';
import { legacyFromRestore } from '../config/rebase.js';
import { type RestorePlan, planRestore } from './plan.js';
import { readRamp } from './ramp.js';
import { describeBackup, describePlan } from './render.js';
import { newReport } from './report.js';
import { selectBackup } from './select.js';
import type { Session } from './session.js';

/**
 * Reads only: choose the backup, verify its checksums, diff it against the files on disk and
 * show that. Compose detection (started earlier) is awaited here only for the command to show.
 */
export async function prepare(s: Session): Promise<void> {
  const { req } = s;
  const ramp = await readRamp(s.stateDir, req.environment, req.log.warn);
  // A ramp already rolled back is history: a backup taken since (a rotated key) must not be skipped.
  const current = ramp && ramp.status !== 'rolled-back' ? { backupId: ramp.backupId, startedAt: ramp.startedAt } : undefined;
  s.choice = await selectBackup({ stateDir: s.stateDir, environment: req.environment, to: req.to, ramp: current });
  for (const warning of s.choice.warnings) req.log.warn(warning);
  if (s.choice.note) req.log.warn(s.choice.note);
  await assertBackupScope(s.choice.backup, req.environment, s.configured); // before the plan reads what it names
  await verifyBackup(s.choice.backup);
  s.plan = await planRestore(s.choice.backup, req.loaded.config.providers, s.configured);
  s.redactor.add(...s.plan.secrets);
  await legacyFromBackup(s);

  const detectStarted = performance.now();
  s.recreate = s.composer ? await s.composer.recreate(restoredKeys(s.plan)) : undefined;
  const command = s.recreate?.command ? formatArgv(s.recreate.command.argv) : null;
  const detectMs = Math.round(performance.now() - detectStarted);
  s.report = newReport(req, s.choice, s.plan, command, s.recreate?.services ?? []);
  s.report.timings.startupMs = Math.round(s.started);
  s.report.timings.detectMs = detectMs;
  s.again = `migrate rollback --env ${req.environment} --to ${s.choice.backup.id}${req.restart ? '' : ' --no-restart'} --yes`;

  req.log.info(`${req.dryRun ? 'dry run: ' : ''}rolling back ${req.environment} to ${describeBackup(s.choice)}`);
  if (!req.dryRun) showPlan(s.plan, command, s, req.log); // a dry run prints it on stdout
}

function showPlan(plan: RestorePlan, command: string | null, s: Session, log: Session['req']['log']): void {
  for (const line of describePlan(plan)) log.info(line);
  if (command) log.info(`  then: ${command}`);
  else if (s.recreate) log.info('  no compose service reads these env files: nothing to recreate');
  else if (s.req.env.compose) log.info('  services are not recreated (--no-restart)');
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
async function legacyFromBackup(s: Session): Promise<void> {
  const rebased = legacyFromRestore(s.req.loaded, s.plan!.files);
  if (!rebased) return;
  if ('problem' in rebased) {
    s.req.log.warn(`providers.legacy: cannot resolve it from backup ${s.choice!.backup.id} (${s.redactor.text(rebased.problem)}); using the values loaded from disk`);
    return;
  }
  s.req = { ...s.req, loaded: rebased.loaded };
  s.redactor.add(...rebased.loaded.secrets);
  s.req.log.info(`providers.legacy: ${rebased.names.join(', ')} read from backup ${s.choice!.backup.id}, the copy being restored`);
  s.plan = await planRestore(
    s.choice!.backup,
    rebased.loaded.config.providers,
    s.configured,
    s.plan!.files.map((f) => f.content),
  );
}

/** Files may have changed while we waited for a ramp to stop: restore against what is there now. */
export async function replan(s: Session): Promise<RestorePlan> {
  const before = s.plan!;
  const plan = await planRestore(
    before.backup,
    s.req.loaded.config.providers,
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
