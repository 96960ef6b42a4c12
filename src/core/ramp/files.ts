import { resolveConfigPath } from '../config/environment.js';
import { type LoadedConfig } from '../config/load.js';
import type { EnvironmentConfig } from '../config/schema.js';
import { repairTornWrite } from '../fs/in-place.js';

/** The existing files a ramp of `env` writes: its env files and, for the nginx driver, the include. */
export function rampFiles(loaded: Pick<LoadedConfig, 'dir'>, envConfig: EnvironmentConfig): string[] {
  const files = envConfig.envFiles.map((f) => resolveConfigPath(loaded, f));
  if (envConfig.traffic.driver === 'nginx') files.push(resolveConfigPath(loaded, envConfig.traffic.file));
  return files;
}

/**
 * Before anything reads them (under the lock): a file whose in-place write was cut short by a
 * crash gets its old bytes back from the journal. Returns one line per file repaired.
 */
export async function repairTornWrites(files: string[]): Promise<string[]> {
  const lines: string[] = [];
  for (const file of files) {
    const repair = await repairTornWrite(file);
    if (repair === 'restored') lines.push(`${file} was left half-written by an interrupted run: put back as it was before that write`);
  }
  return lines;
}
