import { promises as fs } from 'node:fs';
import { Redactor } from '../redact.js';
import { currentHost, currentUser } from './identity.js';
import { auditFile, ensurePrivateDir } from './paths.js';
import { assertStateDirTrusted, assertTrusted } from './trust.js';

/** What one command did, as the caller knows it. who/where/when are filled in here. */
export interface AuditInput {
  command: string;
  environment?: string;
  /** ok, failed, refused, interrupted, dry-run, ... */
  result: string;
  durationMs: number;
  details?: Record<string, unknown>;
}

export interface AuditEntry extends AuditInput {
  time: string;
  user: string;
  host: string;
}

/**
 * Append one JSON line to `audit.log`: one write() on a file opened for append, so lines from
 * concurrent processes never interleave, then fsync so an incident record survives a crash.
 * Every string goes through the redactor: the audit log must never hold a key.
 */
export async function appendAudit(stateDir: string, input: AuditInput, opts: { secrets?: string[]; now?: Date; processEnv?: NodeJS.ProcessEnv } = {}): Promise<AuditEntry> {
  const entry: AuditEntry = {
    time: (opts.now ?? new Date()).toISOString(),
    user: currentUser(opts.processEnv ?? {}),
    host: currentHost(),
    ...input,
  };
  const safe = new Redactor(opts.secrets ?? []).value(entry);
  await assertStateDirTrusted(stateDir);
  await assertTrusted(stateDir, auditFile(stateDir)); // appending through a planted link would write anywhere
  await ensurePrivateDir(stateDir);
  const handle = await fs.open(auditFile(stateDir), 'a', 0o600);
  try {
    await handle.write(`${JSON.stringify(safe)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  return safe;
}

/** Every entry in order; lines that are not JSON (a torn write from a crash) are skipped. */
export async function readAudit(stateDir: string): Promise<AuditEntry[]> {
  const text = await fs.readFile(auditFile(stateDir), 'utf8').catch(() => '');
  return text.split('\n').flatMap((line) => {
    try {
      return line.trim() ? [JSON.parse(line) as AuditEntry] : [];
    } catch {
      return [];
    }
  });
}
