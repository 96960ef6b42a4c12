import type { Runner } from '../exec/command.js';
import { CommandFailedError } from '../exec/errors.js';
import { createRunner } from '../exec/run.js';
import { composePs } from './commands.js';
import {
  dockerCat,
  dockerCopyOut,
  dockerInspect,
  dockerPsProject,
  envOf,
  toContainerState,
  toInside,
  type ContainerInside,
  type ContainerState,
  type RawInspect,
} from './docker.js';
import { engineGet, engineSocket } from './engine.js';
import { composeProjectName } from './project-name.js';
import type { ComposeProject } from './project.js';

/**
 * Container ids from `compose ps`: v1 prints one id per line; v2 prints JSON, an array before
 * 2.21 and one object per line since.
 */
export function parsePsIds(flavor: 'v1' | 'v2', stdout: string): string[] {
  const text = stdout.trim();
  if (!text) return [];
  if (flavor === 'v1')
    return text
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean);
  const rows: { ID?: string }[] = text.startsWith('[')
    ? (JSON.parse(text) as { ID?: string }[])
    : text
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l) as { ID?: string });
  return rows.map((row) => row.ID ?? '').filter(Boolean);
}

/**
 * The current containers of these services (stopped ones included; `compose run` one-offs are
 * not the service's), as docker sees them. All services when `services` is empty.
 */
export async function serviceContainers(project: ComposeProject, services: string[], run: Runner = createRunner({ processEnv: project.processEnv })): Promise<ContainerState[]> {
  const found = await projectContainers(project, run);
  if (found.length === 0) return (await composeListed(project, services, run)).map(toContainerState);
  const wanted = (c: RawInspect) => services.length === 0 || services.includes(c.Config?.Labels?.['com.docker.compose.service'] ?? '');
  return found.filter((c) => !toInside(c).oneOff && wanted(c)).map(toContainerState);
}

/** Containers by id (fast: no compose start-up); gone ones are left out. */
export async function inspectContainers(ids: string[], processEnv: NodeJS.ProcessEnv, run: Runner = createRunner({ processEnv })): Promise<ContainerState[]> {
  return (await inspectRaw(ids, run, processEnv)).map(toContainerState);
}

/** Full container ids per service; a service with no container maps to []. */
export async function containerIds(project: ComposeProject, services: string[], run?: Runner): Promise<Record<string, string[]>> {
  const byService = Object.fromEntries(services.map((s) => [s, [] as string[]]));
  for (const c of await serviceContainers(project, services, run)) {
    if (c.service && byService[c.service]) byService[c.service]!.push(c.id);
  }
  return byService;
}

/**
 * A container's environment as the process inside sees it (env files applied). Holds secrets:
 * compare it, never print it.
 */
export async function containerEnv(containerId: string, processEnv: NodeJS.ProcessEnv, run: Runner = createRunner({ processEnv })): Promise<Record<string, string>> {
  const [raw] = await inspectRaw([containerId], run, processEnv);
  if (!raw) throw new Error(`no container ${containerId}`);
  return envOf(raw);
}

/**
 * Every container of the project (all services, one-offs and stopped ones included) with its
 * environment and bind mounts. Holds secrets: compare, never print.
 */
export async function projectContainersInside(project: ComposeProject, run: Runner = createRunner({ processEnv: project.processEnv })): Promise<ContainerInside[]> {
  const found = await projectContainers(project, run);
  return (found.length > 0 ? found : await composeListed(project, [], run)).map(toInside);
}

/**
 * Every container labelled with the project's name, inspected: through the Engine API when its
 * socket answers (a few ms), else `docker ps --filter label=…` and `docker inspect` (a few tens).
 */
async function projectContainers(project: ComposeProject, run: Runner): Promise<RawInspect[]> {
  const name = await composeProjectName(project);
  const socket = engineSocket(project.processEnv);
  if (socket) {
    const filters = encodeURIComponent(JSON.stringify({ label: [`com.docker.compose.project=${name}`] }));
    const listed = await engineGet<{ Id: string }[]>(socket, `/containers/json?all=1&filters=${filters}`).catch(cliInstead);
    if (listed)
      return inspectEngine(
        socket,
        listed.map((c) => c.Id),
      );
  }
  const ps = dockerPsProject(name);
  const listed = await run(ps);
  if (listed.exitCode !== 0) throw new CommandFailedError(ps, listed);
  return inspectRaw(parsePsIds('v1', listed.stdout), run, project.processEnv);
}

/** What `compose ps` lists: the slow, authoritative answer, asked only when no container carries the name we worked out. */
async function composeListed(project: ComposeProject, services: string[], run: Runner): Promise<RawInspect[]> {
  const ps = composePs(project, services);
  const listed = await run(ps);
  if (listed.exitCode !== 0) throw new CommandFailedError(ps, listed);
  return inspectRaw(parsePsIds(project.cli.flavor, listed.stdout), run, project.processEnv);
}

async function inspectRaw(ids: string[], run: Runner, processEnv: NodeJS.ProcessEnv): Promise<RawInspect[]> {
  if (ids.length === 0) return [];
  const socket = engineSocket(processEnv);
  if (socket) {
    const found = await inspectEngine(socket, ids).catch(cliInstead);
    if (found) return found;
  }
  const inspect = dockerInspect(ids);
  const inspected = await run(inspect);
  // A container removed between ps and inspect (a recreate in flight) makes inspect exit 1 but
  // still print the ones it found; only no output at all is a failure.
  if (!inspected.stdout.trim().startsWith('[')) throw new CommandFailedError(inspect, inspected);
  return JSON.parse(inspected.stdout) as RawInspect[];
}

async function inspectEngine(socket: string, ids: string[]): Promise<RawInspect[]> {
  const found = await Promise.all(ids.map((id) => engineGet<RawInspect>(socket, `/containers/${encodeURIComponent(id)}/json`)));
  return found.filter((c): c is RawInspect => c !== undefined);
}

/**
 * Any Engine API failure hands over to the docker CLI, whose errors name a command an operator
 * can run (and which the readiness wait knows how to retry).
 */
function cliInstead(): undefined {
  return undefined;
}

/**
 * A file as the container sees it: through a single-file bind mount that can be the old inode of
 * a file since replaced on the host. `cat` inside first; `docker cp` (a tar stream) for images
 * without `cat` and for stopped containers. Holds secrets: never print it.
 */
export async function fileInContainer(id: string, file: string, run: Runner): Promise<string> {
  const cat = await run(dockerCat(id, file));
  if (cat.exitCode === 0) return cat.stdout;
  const cp = dockerCopyOut(id, file);
  const copied = await run(cp);
  if (copied.exitCode !== 0) throw new CommandFailedError(cp, copied);
  return untarFirstFile(copied.stdout);
}

/** The content of the first file of a tar stream (ustar: 512-byte header, size in octal at 124). */
export function untarFirstFile(tar: string): string {
  const size = Number.parseInt(tar.slice(124, 136).replace(/\0.*$/s, '').trim(), 8);
  if (!Number.isFinite(size)) throw new Error('docker cp did not return a tar stream');
  return Buffer.from(tar.slice(512), 'utf8').subarray(0, size).toString('utf8');
}
