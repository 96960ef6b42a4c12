// `ramp --resume` loads the config again, after earlier stages may have rewritten the env files
// (after a cut-over they hold the target's URL and key). A legacy key or base URL read from such a
// file is taken from the backup the ramp took when it started, as `migrate rollback` does, so the
// gates and the automatic rollback never mistake the target for legacy.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../../errors.js';
import type { LoadedConfig } from '../config/load.js';
import { legacyFromRestore } from '../config/rebase.js';
import { readBackup } from '../state/backup-store.js';
import { verifyBackup } from '../state/backup-verify.js';

export interface ResumedLegacy {
  loaded: LoadedConfig;
  /** Variables read from the backup (names only), for the log; empty when none came from a rewritten file. */
  names: string[];
}

export async function legacyForResume(loaded: LoadedConfig, stateDir: string, environment: string, backupId: string | undefined): Promise<ResumedLegacy> {
  const fromRewritten = loaded.origins.some((o) => o.path[1] === 'legacy' && o.variables.some((v) => v.rewrittenBy.includes(environment)));
  if (!fromRewritten) return { loaded, names: [] };
  const fix = `put the legacy settings in .env.migrate beside the config (or the process environment), or undo with \`migrate rollback --env ${environment}\``;
  if (!backupId)
    throw new UsageError(`cannot resume: providers.legacy is read from an env file this ramp rewrites, and the ramp recorded no backup to read it from`, { hint: fix });
  const backup = await readBackup(stateDir, backupId).catch((err: Error) => {
    throw new UsageError(`cannot resume: providers.legacy must be read from backup ${backupId}: ${err.message}`, { hint: fix });
  });
  await verifyBackup(backup).catch((err: Error) => {
    throw new UsageError(`cannot resume: ${err.message}`, { hint: fix });
  });
  const copies = await Promise.all(backup.manifest.files.map(async (f) => ({ absolute: f.absolute, content: await fs.readFile(path.join(backup.dir, f.stored)) })));
  const rebased = legacyFromRestore(loaded, copies);
  if (!rebased) return { loaded, names: [] };
  if ('problem' in rebased) throw new UsageError(`cannot resume: providers.legacy from backup ${backupId}: ${rebased.problem}`, { hint: fix });
  return { loaded: rebased.loaded, names: rebased.names };
}
