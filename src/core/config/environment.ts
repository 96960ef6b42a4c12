import path from 'node:path';
import { UsageError } from '../../errors.js';
import type { LoadedConfig } from './load.js';
import type { EnvironmentConfig } from './schema.js';
import { didYouMean } from './issues.js';

export interface ResolvedEnvironment {
  name: string;
  envConfig: EnvironmentConfig;
}

/** --env NAME, else $MIGRATE_ENV, else the only environment in the file. Errors exit 2. */
export function resolveEnvironment(loaded: LoadedConfig, name?: string): ResolvedEnvironment {
  const environments = loaded.config.environments;
  const known = Object.keys(environments);
  const wanted = name ?? loaded.defaultEnvironment;
  if (known.length === 0) {
    throw new UsageError(`${loaded.name}: no environments defined`, {
      hint: 'add one under `environments:` (env files, compose services); `migrate init` writes them from what it finds',
    });
  }
  if (wanted === undefined) {
    if (known.length === 1) return { name: known[0]!, envConfig: environments[known[0]!]! };
    throw new UsageError(`${loaded.name} has ${known.length} environments (${known.join(', ')}): choose one`, {
      hint: `pass --env NAME or set MIGRATE_ENV, e.g. --env ${known[0]}`,
    });
  }
  const envConfig = Object.hasOwn(environments, wanted) ? environments[wanted] : undefined;
  if (!envConfig) {
    const origin = name === undefined ? ' (from MIGRATE_ENV)' : '';
    throw new UsageError(`unknown environment "${wanted}"${origin}${didYouMean(wanted, known)}; ${loaded.name} defines: ${known.join(', ')}`, {
      hint: `pass --env with one of: ${known.join(', ')}`,
    });
  }
  return { name: wanted, envConfig };
}

/** A path written in the config (envFiles, compose.files, nginx file, suites), made absolute. */
export function resolveConfigPath(loaded: Pick<LoadedConfig, 'dir'>, file: string): string {
  return path.resolve(loaded.dir, file);
}
