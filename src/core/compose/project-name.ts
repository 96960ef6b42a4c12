import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseEnv, values } from '../envfile/parse.js';
import type { ComposeProject } from './project.js';

/**
 * The name compose labels the project's containers with (com.docker.compose.project), worked
 * out as v1 and v2 both do: `-p` (compose.projectName), else COMPOSE_PROJECT_NAME from the
 * environment or the project directory's `.env`, else a top-level `name:` (v2), else the project
 * directory's name; lowercased, keeping [a-z0-9_-]. A wrong guess finds no container, and the
 * callers then ask `compose ps`, so it costs time, never a wrong answer.
 */
export async function composeProjectName(project: ComposeProject): Promise<string> {
  const dir = project.projectDirectory ?? path.dirname(project.files[0]!);
  const chosen = project.projectName ?? project.processEnv.COMPOSE_PROJECT_NAME ?? (await fromDotEnv(dir)) ?? (await fromFiles(project.files));
  return normalizeProjectName(chosen ?? path.basename(dir));
}

export function normalizeProjectName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^-_a-z0-9]/g, '')
    .replace(/^[-_]+/, '');
}

async function fromDotEnv(dir: string): Promise<string | undefined> {
  const text = await readFile(path.join(dir, '.env'), 'utf8').catch(() => undefined);
  return text === undefined ? undefined : values(parseEnv(text)).COMPOSE_PROJECT_NAME || undefined;
}

/** The last file's top-level `name:` wins, as in a merge; only a plain scalar is read. */
async function fromFiles(files: string[]): Promise<string | undefined> {
  let name: string | undefined;
  for (const file of files) {
    const text = await readFile(file, 'utf8').catch(() => '');
    const m = /^name\s*:\s*["']?([^"'#\s]+)["']?\s*(?:#.*)?$/m.exec(text);
    if (m) name = m[1];
  }
  return name;
}
