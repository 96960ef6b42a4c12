import type { BackupChoice } from './select.js';
import type { FileRestore, RestorePlan } from './plan.js';
import type { RollbackReport } from './report.js';

const WHY: Record<BackupChoice['reason'], string> = {
  requested: 'chosen with --to',
  ramp: 'taken before the ramp',
  newest: 'the newest',
};

export function describeBackup(choice: BackupChoice): string {
  const m = choice.backup.manifest;
  const note = m.message ? `, "${m.message}"` : '';
  return `backup ${m.id} (${WHY[choice.reason]}; taken ${m.created} by ${m.user}@${m.host}${note})`;
}

/** One line per env file: which keys the restore changes, by name only. */
export function describeFile(file: FileRestore): string {
  if (!file.changed) return `${file.path}: already matches the backup`;
  if (!file.exists) return `${file.path}: missing, will be recreated (${file.diff.added.length} keys)`;
  const parts = [
    file.diff.changed.length ? `change ${file.diff.changed.join(', ')}` : '',
    file.diff.added.length ? `add ${file.diff.added.join(', ')}` : '',
    file.diff.removed.length ? `remove ${file.diff.removed.join(', ')}` : '',
  ].filter(Boolean);
  return `${file.path}: ${parts.length ? parts.join('; ') : 'same keys and values, other bytes differ (comments, quoting)'}`;
}

export function describePlan(plan: RestorePlan): string[] {
  const lines = plan.files.map((f) => `  ${describeFile(f)}`);
  for (const file of plan.notInBackup) lines.push(`  ${file}: not in this backup, left as it is`);
  return lines;
}

/** With no file to write, the recreate happens only where a container does not hold the files (containers.ts alreadyHeld). */
export const UNLESS_HELD = ', unless the containers already hold the restored files';

/** The result line on stdout. */
export function summaryLine(r: RollbackReport): string {
  const restored = r.files.filter((f) => f.restored).length;
  const files = restored ? `${restored} env file${restored === 1 ? '' : 's'} restored` : 'env files already matched the backup';
  const services = r.compose.recreated
    ? `, ${r.compose.services.join(', ')} recreated`
    : r.compose.alreadyHeld
      ? `, ${r.compose.services.join(', ')} already held them (not recreated)`
      : r.compose.command
        ? ', services not recreated (--no-restart)'
        : '';
  const traffic = r.traffic ? `, ${r.traffic.driver} traffic at ${r.traffic.appliedWeight ?? 0} %` : '';
  const verified = r.verify ? `, ${r.verify.provider} answers (models ${r.verify.models.status}, chat ${r.verify.chat.status})` : '';
  return `rolled back ${r.environment} to ${r.backup.id}: ${files}${services}${traffic}${verified} in ${(r.durationMs / 1000).toFixed(1)}s`;
}

/**
 * Where the time went (--verbose, stderr): what to look at first when a rollback is slow. Start-up
 * is from process start to the rollback's first step; the rest follow in order.
 */
export function timingsLine(r: RollbackReport): string {
  const t = r.timings;
  const steps = [
    `start-up ${t.startupMs}`,
    `plan ${t.planMs}`,
    `lock ${t.lockMs}`,
    `restore ${t.restoreMs}`,
    `traffic ${t.trafficMs}`,
    `compose up ${t.composeMs}`,
    `readiness ${t.waitMs}`,
    `verification ${t.verifyMs}`,
  ];
  return `timings (ms): ${steps.join(', ')}; ${t.startupMs + r.durationMs} since the process started`;
}

/** The dry run's result on stdout: what would be written and run. */
export function dryRunLines(r: RollbackReport, plan: RestorePlan): string[] {
  const lines = [`would restore ${r.environment} from ${r.backup.id}:`, ...describePlan(plan)];
  for (const step of r.traffic?.steps ?? []) lines.push(`would ${step}`);
  if (r.compose.command) lines.push(`would run${plan.files.some((f) => f.changed) ? '' : UNLESS_HELD}: ${r.compose.command}`);
  lines.push(`then verify that ${plan.pointsAt === 'target' ? 'target' : 'legacy'} answers (models and one chat)`);
  return lines;
}
