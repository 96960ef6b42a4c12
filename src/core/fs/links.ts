import { promises as fs } from 'node:fs';

/**
 * A symlinked file (`.env -> ../shared/.env`, common in release-directory deploys) is written
 * where the link points; renaming over the link itself would silently detach it.
 */
export async function throughLinks(file: string): Promise<string> {
  return fs.realpath(file).catch(() => file);
}
