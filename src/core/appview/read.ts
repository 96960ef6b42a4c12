import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { fileInContainer, projectContainersInside } from '../compose/containers.js';
import type { ContainerInside } from '../compose/docker.js';
import type { ComposeProject } from '../compose/project.js';
import { parse, values } from '../envfile/parse.js';
import type { Runner } from '../exec/command.js';

/** One container as the app inside it sees its configuration. `values` holds secrets: compare, never print. */
export interface ContainerView {
  id: string;
  service: string;
  status: string;
  /** Effective values: the process environment first, then env files mounted into it (dotenv does not override). */
  values: Record<string, string>;
  /** Where each value came from: `env`, or the path of the mounted file inside the container. */
  from: Record<string, string>;
  /** Env files of the environment bound into it (as single files, or inside a bound directory), as the container sees them. */
  mounts: Array<{ source: string; destination: string; error?: string }>;
}

/**
 * The containers to judge: those of `services`, plus any container of the project that binds one
 * of the env files as a single file (it reads them without being recreated). A service of
 * `services` may also read one inside a directory it binds (`./:/app` with `/app/.env`, where the
 * app loads it itself). `envFiles` absolute.
 * `listed`: the project's containers as a caller just listed them (else they are listed here).
 */
export async function readContainerViews(project: ComposeProject, services: string[], envFiles: string[], run: Runner, listed?: ContainerInside[]): Promise<ContainerView[]> {
  const files = new Set(await Promise.all(envFiles.map(resolved)));
  const all = listed ?? (await projectContainersInside(project, run));
  const views: ContainerView[] = [];
  for (const c of all) {
    if (c.oneOff) continue; // a `compose run` left behind is not the app, and no step recreates it
    const listedService = services.includes(c.state.service ?? '');
    const binds = await envFileBinds(c, files, listedService);
    if (!listedService && binds.length === 0) continue;
    views.push(await viewOf(c, binds, run));
  }
  return views.sort((a, b) => a.service.localeCompare(b.service) || a.id.localeCompare(b.id));
}

/**
 * The env files `c` binds, each as the container sees it; with `directories`, also those inside a
 * directory it binds. A directory that only might hold one (any project directory) does not make
 * a service the app: only a service already judged is read through one.
 */
async function envFileBinds(c: ContainerInside, files: Set<string>, directories: boolean): Promise<ContainerInside['binds']> {
  const found: ContainerInside['binds'] = [];
  for (const bind of c.binds) {
    const source = files.has(bind.source) ? bind.source : await resolved(bind.source);
    if (files.has(source)) {
      found.push(bind);
      continue;
    }
    if (!directories) continue;
    for (const file of files) {
      if (!file.startsWith(source + path.sep)) continue;
      found.push({ source: file, destination: path.posix.join(bind.destination, ...path.relative(source, file).split(path.sep)) });
    }
  }
  return found;
}

async function viewOf(c: ContainerInside, binds: ContainerInside['binds'], run: Runner): Promise<ContainerView> {
  const view: ContainerView = { id: c.state.id, service: c.state.service ?? c.state.name, status: c.state.status, values: { ...c.env }, from: {}, mounts: [] };
  for (const key of Object.keys(c.env)) view.from[key] = 'env';
  for (const bind of binds) {
    try {
      const mounted = values(parse(await fileInContainer(c.state.id, bind.destination, run)));
      for (const [key, value] of Object.entries(mounted)) {
        if (key in view.values) continue; // dotenv never overrides what the process environment already has
        view.values[key] = value;
        view.from[key] = bind.destination;
      }
      view.mounts.push({ source: bind.source, destination: bind.destination });
    } catch (err) {
      // The message names the command (docker exec … cat <file>), never the file's content.
      view.mounts.push({ source: bind.source, destination: bind.destination, error: (err as Error).message });
    }
  }
  return view;
}

async function resolved(file: string): Promise<string> {
  return realpath(file).catch(() => path.resolve(file));
}
