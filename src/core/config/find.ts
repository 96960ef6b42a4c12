import { stat } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../../errors.js';

export const CONFIG_NAMES = ['migrate.yaml', 'migrate.yml'] as const;

const INIT_HINT = 'run `migrate init` to write one, or pass --config FILE';

/** --config, else $MIGRATE_CONFIG, else migrate.yaml / migrate.yml in `cwd`. Returns an absolute path. */
export async function findConfigFile(opts: { cwd: string; processEnv: NodeJS.ProcessEnv; configPath?: string }): Promise<string> {
  const explicit = opts.configPath ?? (opts.processEnv.MIGRATE_CONFIG || undefined);
  if (explicit) {
    const file = path.resolve(opts.cwd, explicit);
    if (await isFile(file)) return file;
    const origin = opts.configPath ? '--config' : 'MIGRATE_CONFIG';
    throw new UsageError(`config file not found: ${explicit} (from ${origin})`, { hint: INIT_HINT });
  }
  const found = await existingConfigFile(opts.cwd);
  if (found) return found;
  throw new UsageError(`no migrate.yaml in ${opts.cwd}`, { hint: INIT_HINT });
}

/** The config file already in `cwd`, if any (init refuses to overwrite it). */
export async function existingConfigFile(cwd: string): Promise<string | undefined> {
  for (const name of CONFIG_NAMES) {
    const file = path.join(cwd, name);
    if (await isFile(file)) return file;
  }
  return undefined;
}

async function isFile(file: string): Promise<boolean> {
  return (await stat(file).catch(() => undefined))?.isFile() ?? false;
}
