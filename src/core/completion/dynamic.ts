import { loadConfig } from '../config/load.js';
import { scanBackups } from '../state/backup-store.js';
import { checkScan } from '../state/backup-verify.js';
import { resolveStateDir } from '../state/paths.js';
import type { DynamicList } from './spec.js';

export interface DynamicOptions {
  cwd: string;
  processEnv: NodeJS.ProcessEnv;
  configPath?: string;
  environment?: string;
}

/**
 * The names a shell offers after --env or --to, read the way the commands read them (`backup
 * list`'s good backups: rollback refuses the damaged ones). Nothing
 * is written; unset variables are tolerated (completing must work before the keys are set).
 */
export async function dynamicWords(list: DynamicList, opts: DynamicOptions): Promise<string[]> {
  const loaded = await loadConfig({ cwd: opts.cwd, processEnv: opts.processEnv, configPath: opts.configPath, environment: opts.environment, tolerateMissing: () => true });
  if (list === 'environments') return Object.keys(loaded.config.environments);
  // Only backups rollback would restore: one whose stored copies no longer match is not offered.
  const { backups } = await checkScan(await scanBackups(resolveStateDir(loaded.dir, loaded.config.stateDir), opts.environment));
  return backups.map((b) => b.id);
}
