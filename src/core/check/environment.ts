import { resolveConfigPath, resolveEnvironment, type LoadedConfig } from '../config/index.js';
import { EnvFileError } from '../envfile/errors.js';
import { readEnvText } from '../envfile/guard.js';
import { pointsAtOf } from '../state/points-at.js';
import type { PointsAt } from '../state/manifest.js';

export interface EnvironmentPointing {
  name: string;
  files: { path: string; pointsAt: PointsAt | 'missing' }[];
}

/** Which provider each of the environment's env files points at right now. */
export async function environmentPointing(loaded: LoadedConfig, name: string): Promise<EnvironmentPointing> {
  const { name: envName, env } = resolveEnvironment(loaded, name);
  const files = await Promise.all(
    env.envFiles.map(async (file) => {
      // A binary or huge file is refused naming it (exit 2); only an unreadable one counts as missing.
      const text = await readEnvText(resolveConfigPath(loaded, file)).catch((err: unknown) => {
        if (err instanceof EnvFileError) throw err;
        return undefined;
      });
      if (text === undefined) return { path: file, pointsAt: 'missing' as const };
      return { path: file, pointsAt: pointsAtOf(text, loaded.config.providers) };
    }),
  );
  return { name: envName, files };
}
