import { promises as fs } from 'node:fs';
import { isBackupId } from './backup-id.js';
import { rampStateFile } from './paths.js';

/**
 * Backups that retention must not delete: every backup id the environment's ramp state
 * mentions (the one an unfinished ramp rolls back to). Reading ids from anywhere in the file
 * keeps this independent of the ramp state's exact shape.
 */
export async function referencedBackups(stateDir: string, environment: string): Promise<string[]> {
  const text = await fs.readFile(rampStateFile(stateDir, environment), 'utf8').catch(() => undefined);
  if (text === undefined) return [];
  try {
    return [...collectIds(JSON.parse(text), new Set<string>())];
  } catch {
    return []; // torn or foreign file: the ramp's own reader reports it
  }
}

function collectIds(value: unknown, ids: Set<string>): Set<string> {
  if (typeof value === 'string' && isBackupId(value)) ids.add(value);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) collectIds(v, ids);
  return ids;
}
