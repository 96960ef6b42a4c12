import { constants } from 'node:fs';
import { access, readFile, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { writeFileAtomic } from '../fs/atomic.js';
import { assertTrusted } from '../state/trust.js';
import type { ComposeCli } from './compose-cli.js';

/**
 * `docker-compose version` takes about half a second (Python starting), on every rollback. Its
 * answer only changes when a compose program is installed, upgraded or removed, so it is kept in
 * the state directory next to the programs' paths and mtimes, and asked again when any differs.
 */

// Where the docker CLI looks for the v2 plugin (docs.docker.com, "Install the plugin manually").
const PLUGIN_DIRS = ['/usr/local/lib/docker/cli-plugins', '/usr/local/libexec/docker/cli-plugins', '/usr/lib/docker/cli-plugins', '/usr/libexec/docker/cli-plugins'];

/** The first executable `program` on PATH, or undefined. */
export async function onPath(program: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  for (const dir of (env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const file = path.join(dir, program);
    if (
      await access(file, constants.X_OK).then(
        () => true,
        () => false,
      )
    )
      return file;
  }
  return undefined;
}

/** What the detection depends on: each candidate program and v2 plugin, with its mtime. */
export async function composeFingerprint(choice: string, env: NodeJS.ProcessEnv): Promise<string> {
  const pluginDir = path.join(env.DOCKER_CONFIG || path.join(os.homedir(), '.docker'), 'cli-plugins');
  const programs = await Promise.all(['docker', 'docker-compose'].map((p) => onPath(p, env)));
  const files = [...programs.filter((p): p is string => p !== undefined), ...[pluginDir, ...PLUGIN_DIRS].map((d) => path.join(d, 'docker-compose'))];
  const stamps = await Promise.all(
    files.map((f) =>
      stat(f).then(
        (s) => `${f}@${s.mtimeMs}:${s.size}`,
        () => '',
      ),
    ),
  );
  return JSON.stringify([choice, ...stamps.filter(Boolean)]);
}

interface CacheEntry {
  fingerprint: string;
  cli: ComposeCli;
}

/** The state directory's rule (state/trust.ts): a cache anyone else could plant is not read or written. */
function trusted(file: string): Promise<boolean> {
  const dir = path.dirname(file);
  return assertTrusted(dir, dir, file).then(
    () => true,
    () => false,
  );
}

export async function readDetected(file: string, fingerprint: string): Promise<ComposeCli | undefined> {
  if (!(await trusted(file))) return undefined;
  try {
    const entry = JSON.parse(await readFile(file, 'utf8')) as CacheEntry;
    const { cli } = entry;
    const valid = entry.fingerprint === fingerprint && (cli.flavor === 'v1' || cli.flavor === 'v2') && Array.isArray(cli.argv) && typeof cli.version === 'string';
    return valid ? cli : undefined;
  } catch {
    return undefined; // missing or damaged: detect again
  }
}

/** Best effort: a state directory we cannot write to only means detecting again next time. */
export async function writeDetected(file: string, fingerprint: string, cli: ComposeCli): Promise<void> {
  const entry: CacheEntry = { fingerprint, cli };
  if (!(await trusted(file))) return;
  await writeFileAtomic(file, `${JSON.stringify(entry)}\n`, { mode: 0o644 }).catch(() => undefined);
}
