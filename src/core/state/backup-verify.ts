import { promises as fs } from 'node:fs';
import path from 'node:path';
import { RollbackError } from '../../errors.js';
import { sha256 } from './backup-plan.js';
import { byIdNewestFirst, type Backup, type BackupScan } from './backup-store.js';
import type { BackupFile } from './manifest.js';

export interface BackupProblem {
  file: BackupFile;
  problem: string;
}

/** Compare every stored copy with its manifest entry (size, then sha256). Empty when intact. */
export async function checkBackup(backup: Backup): Promise<BackupProblem[]> {
  const problems: BackupProblem[] = [];
  for (const file of backup.manifest.files) {
    const problem = await checkFile(path.join(backup.dir, file.stored), file);
    if (problem) problems.push({ file, problem });
  }
  return problems;
}

/**
 * A scan whose finished backups had their copies read too: one whose copies are not what was saved
 * moves to `damaged`, so a listing never offers a backup that rollback would refuse.
 */
export async function checkScan(scan: BackupScan): Promise<BackupScan> {
  const result: BackupScan = { backups: [], damaged: [...scan.damaged] };
  for (const backup of scan.backups) {
    const problems = await checkBackup(backup);
    if (problems.length === 0) result.backups.push(backup);
    else
      result.damaged.push({
        id: backup.id,
        environment: backup.manifest.environment,
        state: 'damaged',
        reason: problems.map((p) => `${p.file.path}: ${p.problem}`).join('; '),
      });
  }
  result.damaged.sort((a, b) => byIdNewestFirst(a.id, b.id));
  return result;
}

/**
 * Refuse a backup whose copies are not exactly what was saved: restoring a corrupted env file
 * during an incident would turn one outage into two.
 */
export async function verifyBackup(backup: Backup): Promise<void> {
  const problems = await checkBackup(backup);
  if (problems.length === 0) return;
  throw new RollbackError(`backup ${backup.id} is corrupted; refusing to restore it`, {
    details: problems.map((p) => `${p.file.path} (${path.join(backup.dir, p.file.stored)}): ${p.problem}`),
    hint: `pick another with \`migrate backup list --env ${backup.manifest.environment}\` and \`migrate rollback --to ID\``,
  });
}

async function checkFile(copy: string, file: BackupFile): Promise<string | undefined> {
  let content: Buffer;
  try {
    content = await fs.readFile(copy);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? 'stored copy is missing' : `stored copy is unreadable (${code})`;
  }
  if (content.length !== file.size) return `size is ${content.length} bytes, manifest says ${file.size}`;
  if (sha256(content) !== file.sha256) return 'sha256 does not match the manifest';
  return undefined;
}
