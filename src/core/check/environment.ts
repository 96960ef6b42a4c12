import { readFile } from 'node:fs/promises';
import { resolveConfigPath, resolveEnvironment, type LoadedConfig } from '../config/index.js';
import { parse, values } from '../envfile/parse.js';
import { pointsAtOf } from '../state/points-at.js';
import type { PointsAt } from '../state/manifest.js';
import { relayNeeds, type RelayNeeds } from '../traffic/relay-needs.js';

export interface EnvironmentPointing {
  name: string;
  files: { path: string; pointsAt: PointsAt | 'missing' }[];
  /** Headers and model names the target needs that the environment's env files cannot carry. */
  needs: RelayNeeds;
}

/** Which provider each of the environment's env files points at right now, and what a relay target needs of it. */
export async function environmentPointing(loaded: LoadedConfig, name: string): Promise<EnvironmentPointing> {
  const { name: envName, env } = resolveEnvironment(loaded, name);
  const texts = await Promise.all(env.envFiles.map((file) => readFile(resolveConfigPath(loaded, file), 'utf8').catch(() => undefined)));
  const files = env.envFiles.map((file, i) => ({ path: file, pointsAt: texts[i] === undefined ? ('missing' as const) : pointsAtOf(texts[i]!, loaded.config.providers) }));
  const merged = Object.assign({}, ...texts.map((text) => (text === undefined ? {} : values(parse(text)))));
  return { name: envName, files, needs: relayNeeds(loaded.config, envName, env, merged) };
}
