import type { LoadedConfig } from '../config/load.js';
import type { EnvironmentConfig } from '../config/schema.js';
import type { Runner } from '../exec/command.js';
import { Redactor } from '../redact.js';
import { redactError } from '../rollback/failures.js';
import { environmentChange, leftOut, loadEnvironmentCompose } from './environment.js';

/**
 * The compose preflight of ramp, rollback, check --env and config (see loadEnvironmentCompose):
 * throws exit 2 before anything changes; returns warnings, e.g. a compose.services list that
 * leaves out a service reading the env files (it would keep the old values).
 */
export async function composePreflight(
  loaded: Pick<LoadedConfig, 'dir' | 'at' | 'secrets'>,
  environment: string,
  envConfig: EnvironmentConfig,
  run: Runner,
  processEnv: NodeJS.ProcessEnv,
): Promise<string[]> {
  if (!envConfig.compose) return [];
  const target = { environment, envConfig: { ...envConfig, compose: envConfig.compose }, configDir: loaded.dir, processEnv, at: loaded.at };
  // Compose's error line quotes the compose file, which may hold a key written in it literally.
  const { model } = await loadEnvironmentCompose(target, run).catch((err: unknown) => {
    throw redactError(err, new Redactor(loaded.secrets));
  });
  const missed = leftOut(model, target.envConfig, environmentChange(envConfig, loaded.dir));
  if (missed.length === 0) return [];
  const keys = ['environments', environment, 'compose', 'services'];
  return [
    `${loaded.at(keys)} ${keys.join('.')} leaves out ${missed.join(', ')}, which read${missed.length > 1 ? '' : 's'} the env files: ${missed.length > 1 ? 'they keep' : 'it keeps'} the old values until recreated; add ${missed.length > 1 ? 'them' : 'it'} to compose.alsoRecreate, or drop compose.services to recreate every service that reads them`,
  ];
}
