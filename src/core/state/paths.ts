import { promises as fs } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../../errors.js';

/**
 * Where migrate keeps what it must remember between runs. Everything lives under one directory
 * (config `stateDir`, default `.migrate`, relative to the config file) so it can be backed up,
 * inspected or deleted as a unit:
 *
 *   backups/<id>/        env file snapshots with manifest.json
 *   state/<env>.json     ramp state
 *   locks/<env>.lock     who is acting on an environment
 *   audit.log            one JSON line per backup, rollback, ramp
 */
export const DEFAULT_STATE_DIR = '.migrate';

/** The state directory for a loaded config: absolute, or relative to the config's directory. */
export function resolveStateDir(configDir: string, stateDir: string = DEFAULT_STATE_DIR): string {
  return path.resolve(configDir, stateDir);
}

export function backupsDir(stateDir: string): string {
  return path.join(stateDir, 'backups');
}

export function backupDir(stateDir: string, id: string): string {
  return path.join(backupsDir(stateDir), safeSegment(id, 'backup id'));
}

export function rampStateFile(stateDir: string, environment: string): string {
  return path.join(stateDir, 'state', `${safeSegment(environment, 'environment')}.json`);
}

export function lockFile(stateDir: string, environment: string): string {
  return path.join(stateDir, 'locks', `${safeSegment(environment, 'environment')}.lock`);
}

export function auditFile(stateDir: string): string {
  return path.join(stateDir, 'audit.log');
}

/**
 * mkdir -p with 0700 on every directory it creates: backups hold copies of files full of
 * API keys, so nobody else on the machine may list or read them.
 */
export async function ensurePrivateDir(dir: string): Promise<void> {
  const missing: string[] = [];
  for (let d = path.resolve(dir); !(await exists(d)); d = path.dirname(d)) {
    missing.unshift(d);
    if (path.dirname(d) === d) break;
  }
  for (const d of missing) {
    await fs.mkdir(d, { mode: 0o700 }).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'EEXIST') return;
      throw new UsageError(`cannot create the state directory ${d} (${err.code ?? err.message})`, {
        hint: 'check `stateDir` in migrate.yaml and that the directory is writable',
      });
    });
    await fs.chmod(d, 0o700); // mkdir's mode is filtered by the umask
  }
}

async function exists(p: string): Promise<boolean> {
  return fs.stat(p).then(
    () => true,
    () => false,
  );
}

/** Names become file names: refuse anything that could escape the state directory. */
function safeSegment(name: string, what: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name) || name.includes('..')) {
    throw new UsageError(`invalid ${what} ${JSON.stringify(name)}: use letters, digits, '.', '_' and '-'`);
  }
  return name;
}
