import type { Redactor } from '../redact.js';
import { appendAudit } from '../state/audit.js';
import type { RollbackReport } from './report.js';
import type { BackupChoice } from './select.js';

interface Who {
  environment: string;
  to?: string;
  restart: boolean;
  log: { warn(line: string): void };
}

/**
 * One JSON line per rollback attempt (not per dry run): who, when, what, result, duration,
 * backup. Key names and ids only; appendAudit redacts every string again as a last guard.
 * A failure to write it is reported, never allowed to turn a good rollback into a failed one.
 */
export async function auditRollback(
  stateDir: string,
  req: Who,
  report: RollbackReport | undefined,
  result: string,
  redactor: Redactor,
  error?: unknown,
  choice?: BackupChoice,
  elapsedMs?: number,
): Promise<void> {
  const details: Record<string, unknown> = {
    backup: report?.backup.id ?? choice?.backup.id ?? req.to ?? null,
    restart: req.restart,
    files: report?.files.map((f) => ({ path: f.path, changedKeys: f.changedKeys, restored: f.restored })) ?? [],
    compose: report ? { command: report.compose.command, recreated: report.compose.recreated } : undefined,
    verify: report?.verify ? { provider: report.verify.provider, ok: report.verify.ok, models: report.verify.models.status, chat: report.verify.chat.status } : undefined,
    lock: report?.lock ?? undefined,
    timings: report?.timings,
  };
  if (error) details.error = (error as Error).message;
  const durationMs = Math.round(elapsedMs ?? report?.durationMs ?? 0);
  await appendAudit(stateDir, { command: 'rollback', environment: req.environment, result, durationMs, details: redactor.value(details) }, { secrets: [] }).catch((err: Error) =>
    req.log.warn(`could not write the audit log: ${err.message}`),
  );
}
