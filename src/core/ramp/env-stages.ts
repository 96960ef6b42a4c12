import { blindTo } from '../compose/consumers.js';
import { environmentChange, loadEnvironmentCompose, servicesToRecreate } from '../compose/environment.js';
import type { LoadedConfig } from '../config/load.js';
import type { EnvironmentConfig } from '../config/schema.js';
import type { Runner } from '../exec/command.js';

const NGINX = 'for a real 5 %, put the nginx driver in front (traffic: { driver: nginx })';

/**
 * Under the env driver a stage below 100 % only writes the weight, which moves traffic only in
 * an app that reads it itself. Most apps read a base URL and a key, so their traffic moves at
 * 100 %, the cut-over: the ramp says so before it starts rather than report stages that did
 * nothing. Services compose hands only the variables they name cannot even see the weight.
 */
export async function envStagesNote(
  loaded: Pick<LoadedConfig, 'dir' | 'at'>,
  environment: string,
  envConfig: EnvironmentConfig,
  stages: number[],
  run: Runner,
  processEnv: NodeJS.ProcessEnv,
): Promise<string | undefined> {
  if (envConfig.traffic.driver !== 'env' || !stages.some((w) => w < 100)) return undefined;
  const key = envConfig.traffic.weightKey;
  const blind = envConfig.compose ? await blindServices(loaded, environment, { ...envConfig, compose: envConfig.compose }, key, run, processEnv) : [];
  if (blind.length === 0) {
    return `env driver: stages below 100 % only write ${key}; an app that does not read it (most read only a base URL and key) stays on legacy until 100 %, the cut-over; ${NGINX}`;
  }
  const one = blind.length === 1;
  return `env driver: ${blind.join(', ')} never see${one ? 's' : ''} ${key} (compose passes ${one ? 'it' : 'them'} only the variables ${one ? 'it names' : 'they name'}), so stages below 100 % change nothing for ${one ? 'it' : 'them'}: traffic moves at 100 %, the cut-over; ${NGINX}`;
}

async function blindServices(
  loaded: Pick<LoadedConfig, 'dir' | 'at'>,
  environment: string,
  envConfig: EnvironmentConfig & { compose: NonNullable<EnvironmentConfig['compose']> },
  key: string,
  run: Runner,
  processEnv: NodeJS.ProcessEnv,
): Promise<string[]> {
  // Detection and `compose config` are cached: the compose preflight has just run both.
  const { model } = await loadEnvironmentCompose({ environment, envConfig, configDir: loaded.dir, processEnv, at: loaded.at }, run);
  const change = environmentChange(envConfig, loaded.dir);
  return blindTo(model, change.files, key, servicesToRecreate(model, envConfig, change));
}
