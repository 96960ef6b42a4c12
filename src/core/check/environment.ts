import { servicesPointing, type ServicePointing } from '../appview/pointing.js';
import { createRunner } from '../exec/run.js';
import { resolveConfigPath, resolveEnvironment } from '../config/environment.js';
import { type LoadedConfig } from '../config/load.js';
import { EnvFileError } from '../envfile/errors.js';
import { readEnvText } from '../envfile/guard.js';
import { parse, values } from '../envfile/parse.js';
import { pointsAtOf } from '../state/points-at.js';
import type { PointsAt } from '../state/manifest.js';
import { relayNeeds, type RelayNeeds } from '../traffic/relay-needs.js';

export interface EnvironmentPointing {
  name: string;
  files: { path: string; pointsAt: PointsAt | 'missing' }[];
  /** Where each service's containers point, with exactly the pair each holds probed. */
  containers?: ServicePointing[];
  /** Why `containers` is missing: no compose section, or docker could not be asked. */
  containersNote?: string;
  /** Headers and model names the target needs that the environment's env files cannot carry. */
  needs: RelayNeeds;
}

/** Which provider each of the environment's env files points at right now, and what a relay target needs of it. */
export async function environmentPointing(loaded: LoadedConfig, name: string): Promise<EnvironmentPointing> {
  const { name: envName, envConfig } = resolveEnvironment(loaded, name);
  const texts = await Promise.all(
    envConfig.envFiles.map((file) =>
      // A binary or huge file is refused naming it (exit 2); only an unreadable one counts as missing.
      readEnvText(resolveConfigPath(loaded, file)).catch((err: unknown) => {
        if (err instanceof EnvFileError) throw err;
        return undefined;
      }),
    ),
  );
  const files = envConfig.envFiles.map((file, i) => ({ path: file, pointsAt: texts[i] === undefined ? ('missing' as const) : pointsAtOf(texts[i], loaded.config.providers) }));
  const merged = Object.assign({}, ...texts.map((text) => (text === undefined ? {} : values(parse(text))))) as Record<string, string>;
  return { name: envName, files, needs: relayNeeds(loaded.config, envName, envConfig, merged) };
}

/** The app's view: what each service's containers hold, each distinct pair probed (models and one chat). */
export async function withContainers(
  pointing: EnvironmentPointing,
  loaded: LoadedConfig,
  opts: { processEnv: NodeJS.ProcessEnv; signal?: AbortSignal },
): Promise<EnvironmentPointing> {
  const { envConfig } = resolveEnvironment(loaded, pointing.name);
  try {
    const containers = await servicesPointing({
      loaded,
      envConfig,
      run: createRunner({ processEnv: opts.processEnv, signal: opts.signal }),
      processEnv: opts.processEnv,
      probe: true,
      signal: opts.signal,
    });
    return containers ? { ...pointing, containers } : { ...pointing, containersNote: 'no compose section: containers not inspected' };
  } catch (err) {
    return { ...pointing, containersNote: `could not inspect the containers: ${(err as Error).message}` };
  }
}
