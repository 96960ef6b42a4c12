import { appendAudit } from '../state/audit.js';
import type { Session } from './session.js';
import { sinceStart } from '../clock.js';

/**
 * One JSON line per rollback attempt (not per dry run): who, when, what, result, duration,
 * backup. Key names and ids only; appendAudit redacts every string again as a last guard.
 * A failure to write it is reported, never allowed to turn a good rollback into a failed one.
 */
export async function auditRollback(s: Session, result: string, error?: unknown): Promise<void> {
  const { req } = s;
  const { report } = s.reached;
  const details: Record<string, unknown> = {
    backup: report?.backup.id ?? s.reached.backupId ?? req.to ?? null,
    restart: req.restart,
    files: report?.files.map((f) => ({ path: f.path, changedKeys: f.changedKeys, restored: f.restored })) ?? [],
    compose: report ? { command: report.compose.command, recreated: report.compose.recreated } : undefined,
    verify: report?.verify ? { provider: report.verify.provider, ok: report.verify.ok, models: report.verify.models.status, chat: report.verify.chat.status } : undefined,
    lock: report?.lock ?? undefined,
    timings: report?.timings,
  };
  if (error) details.error = (error as Error).message;
  // A finished run's report holds its duration; a failed one never got that far.
  const durationMs = result === 'ok' && report ? report.durationMs : Math.round(sinceStart() - s.started);
  await appendAudit(
    s.stateDir,
    { command: 'rollback', environment: req.environment, result, durationMs, details: s.redactor.value(details) },
    { secrets: [], processEnv: req.processEnv },
  ).catch((err: Error) => req.log.warn(`could not write the audit log: ${err.message}`));
}
