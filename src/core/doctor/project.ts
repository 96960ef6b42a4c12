import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { LoadedConfig } from '../config/load.js';
import { resolveConfigPath } from '../config/environment.js';
import { readEnvText } from '../envfile/guard.js';
import { assertWritable } from '../fs/writable.js';
import { resolveStateDir } from '../state/paths.js';
import { assertStateDirTrusted } from '../state/trust.js';
import { type DoctorCheck, failed, hintOf, oneLine, passed } from './types.js';

// The project's own files, judged by the same guards the commands apply before they act.

/** The state directory passes the ownership and mode rule every command applies (trust.ts). */
export async function stateDirCheck(loaded: LoadedConfig, cwd: string): Promise<DoctorCheck> {
  const dir = resolveStateDir(loaded.dir, loaded.config.stateDir);
  const shown = path.relative(cwd, dir) || dir;
  try {
    await assertStateDirTrusted(dir);
    const stat = await fs.stat(dir).catch(() => undefined);
    if (!stat) return passed('state', `${shown} does not exist yet (the first backup creates it, mode 0700)`);
    return passed('state', `${shown} is yours and writable by nobody else (mode ${(stat.mode & 0o7777).toString(8).padStart(4, '0')})`);
  } catch (err) {
    return failed('state', oneLine(err), hintOf(err, `check the owner and mode of ${shown}`));
  }
}

/** Each env file of the environments in scope can be read as an env file and written in place. */
export async function envFileChecks(loaded: LoadedConfig, environments: string[], cwd: string): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  for (const name of environments) {
    for (const configured of loaded.config.environments[name]?.envFiles ?? []) {
      checks.push(await envFileCheck(resolveConfigPath(loaded, configured), name, cwd));
    }
  }
  return checks;
}

async function envFileCheck(file: string, environment: string, cwd: string): Promise<DoctorCheck> {
  const shown = path.relative(cwd, file) || file;
  const label = `env file`;
  const exists = await fs.lstat(file).then(
    () => true,
    () => false,
  );
  if (!exists) return failed(label, `${shown} (${environment}) does not exist`, `create it, or fix environments.${environment}.envFiles in migrate.yaml`);
  try {
    await readEnvText(file);
    await assertWritable([file]);
    return passed(label, `${shown} (${environment}) is readable and writable`);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EACCES')
      return failed(label, `${shown} (${environment}) may not be read by this user`, `run migrate as a user who may read ${shown}, or give this user read access to it`);
    return failed(label, oneLine(err), hintOf(err, `check ${shown}`));
  }
}
