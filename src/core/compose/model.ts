import { readFile, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { envFileEntries } from '../config/init/scan.js';
import { readYamlData } from '../lazy-yaml.js';
import type { Command, Runner } from '../exec/command.js';
import { createRunner } from '../exec/run.js';
import { composeConfigError } from './config-error.js';
import { baseArgv, type ComposeProject } from './project.js';

/** A host FILE bind-mounted into a service: replaced by rename, the container keeps the old inode. */
export interface FileMount {
  /** Absolute host path. */
  source: string;
  /** Where the container sees it. */
  target: string;
}

/** What one service reads that a migration may change. Never holds values: env files carry keys. */
export interface ServiceModel {
  name: string;
  /** `env_file:` entries, absolute. */
  envFiles: string[];
  fileMounts: FileMount[];
  /** Variables compose substitutes into the service (`${VAR}`, `${VAR:-x}`, `$VAR`, bare `environment: [VAR]`). */
  variables: string[];
  /** `network_mode` as compose resolved it (`host`, `service:db`); undefined on the project's network. */
  networkMode?: string;
}

export interface ComposeModel {
  /** The `.env` compose reads for `${VAR}` substitution: the project directory's. */
  projectEnvFile: string;
  /** In the order `compose config` prints them (v1 sorts them by name). */
  services: ServiceModel[];
}

/**
 * `compose config`: the files merged and validated by the configured compose itself, so a file
 * it cannot run is refused here, before anything changes. v1 prints YAML; v2 JSON. Both inline
 * env_file values into `environment:` (secrets: this output is parsed for volumes, never kept).
 */
export function composeConfigCommand(project: ComposeProject): Command {
  const format = project.cli.flavor === 'v2' ? ['--format', 'json'] : [];
  return { argv: [...baseArgv(project), 'config', ...format], cwd: project.cwd, kind: 'read', timeoutMs: 30_000, description: 'read the compose files' };
}

// One `compose config` per command: the ramp, its stages and its automatic rollback share it.
// Keyed on the files' identity too, so a compose file edited between two runs in one process is read again.
const cache = new Map<string, Promise<ComposeModel>>();

/**
 * The environment's compose model; a file the configured compose rejects is a UsageError (exit 2)
 * with compose's own error line. `direct`: read the files without running compose when that gives
 * the same answer (see readModelDirect), for a rollback that must not wait half a second on it.
 */
export async function loadComposeModel(
  project: ComposeProject,
  run: Runner = createRunner({ processEnv: project.processEnv }),
  opts: { direct?: boolean } = {},
): Promise<ComposeModel> {
  const key = `${await cacheKey(project)}\0${opts.direct ? 'direct' : 'config'}`;
  let model = cache.get(key);
  if (!model) {
    model = opts.direct ? readModelDirect(project).then((m) => m ?? readModel(project, run)) : readModel(project, run);
    cache.set(key, model);
    model.catch(() => cache.delete(key));
  }
  return model;
}

async function cacheKey(project: ComposeProject): Promise<string> {
  const stats = await Promise.all(
    project.files.map((f) =>
      stat(f).then(
        (s) => `${s.ino}:${s.mtimeMs}:${s.size}`,
        () => 'missing',
      ),
    ),
  );
  return [...baseArgv(project), project.cwd, ...stats].join('\0');
}

async function readModel(project: ComposeProject, run: Runner): Promise<ComposeModel> {
  const cmd = composeConfigCommand(project);
  const result = await run(cmd);
  if (result.exitCode !== 0) throw composeConfigError(project, cmd, result);
  return modelOf(project, servicesOf(readYamlData(result.stdout)), await readComposeFiles(project.files));
}

/**
 * The model from the files alone: services united (sorted, as `config` prints them), bind mounts
 * merged by target and resolved against the project directory, the last network_mode winning.
 * undefined, so `compose config` decides, whenever compose itself would have to: a file that does
 * not parse, `extends`, top-level keys beyond the common ones (v2's `name:`/`include:`, which v1
 * rejects), and any `$` in a volume, env_file or network_mode, which only compose interpolates
 * exactly (its .env, defaults, nested `${A:-${B}}`).
 */
export async function readModelDirect(project: ComposeProject): Promise<ComposeModel | undefined> {
  const projectDir = project.projectDirectory ?? path.dirname(project.files[0]!);
  const merged: Record<string, { volumes: Map<string, FileMount>; network_mode?: string }> = {};
  const docs: unknown[] = [];
  for (const file of project.files) {
    const doc = await readFile(file, 'utf8')
      .then((t) => readYamlData(t))
      .catch(() => undefined);
    if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return undefined;
    docs.push(doc);
    if (Object.keys(doc).some((k) => !TOP_LEVEL.has(k) && !k.startsWith('x-'))) return undefined;
    const services = (doc as { services?: unknown }).services ?? {};
    if (typeof services !== 'object' || Array.isArray(services)) return undefined;
    for (const [name, raw] of Object.entries(services as Record<string, unknown>)) {
      const service = (raw ?? {}) as { extends?: unknown; volumes?: unknown; env_file?: unknown; network_mode?: unknown };
      if (typeof service !== 'object' || service.extends !== undefined) return undefined;
      if (JSON.stringify([service.volumes, service.env_file, service.network_mode]).includes('$')) return undefined;
      const entry = (merged[name] ??= { volumes: new Map() });
      for (const volume of Array.isArray(service.volumes) ? service.volumes : []) {
        const mount = bindOf(resolveSource(volume, projectDir));
        if (mount) entry.volumes.set(mount.target, mount);
      }
      if (typeof service.network_mode === 'string') entry.network_mode = service.network_mode;
    }
  }
  const sorted = Object.keys(merged)
    .sort()
    .map((name) => [name, { volumes: [...merged[name]!.volumes.values()].map((m) => ({ type: 'bind', ...m })), network_mode: merged[name]!.network_mode }] as const);
  // The files as written are what modelOf reads env_file and variables from: these, already parsed.
  return modelOf(project, Object.fromEntries(sorted), docs);
}

const TOP_LEVEL = new Set(['version', 'services', 'volumes', 'networks', 'secrets', 'configs']);

/** A bind source as written (`./send.sh`, `~/x`, `/abs`) made absolute, as compose does; named volumes are left alone. */
function resolveSource(volume: unknown, projectDir: string): unknown {
  const abs = (src: string) => (src.startsWith('~') ? path.join(os.homedir(), src.slice(1)) : path.resolve(projectDir, src));
  if (typeof volume === 'string') {
    const [source, ...rest] = volume.split(':');
    const isPath = source !== undefined && rest.length > 0 && /^[.~/]/.test(source);
    return isPath ? [abs(source), ...rest].join(':') : volume;
  }
  const v = volume as { type?: unknown; source?: unknown } | null;
  if (v?.type === 'bind' && typeof v.source === 'string') return { ...v, source: abs(v.source) };
  return volume;
}

/** `written`: each compose file as written, parsed (readComposeFiles). */
async function modelOf(project: ComposeProject, merged: Record<string, { volumes?: unknown; network_mode?: unknown } | null>, written: unknown[]): Promise<ComposeModel> {
  const projectDir = project.projectDirectory ?? path.dirname(project.files[0]!);
  const raw = rawServices(written, projectDir);
  const services: ServiceModel[] = [];
  for (const [name, service] of Object.entries(merged)) {
    services.push({
      name,
      envFiles: raw.get(name)?.envFiles ?? [],
      fileMounts: await fileMounts(service),
      variables: raw.get(name)?.variables ?? [],
      ...(typeof service?.network_mode === 'string' ? { networkMode: service.network_mode } : {}),
    });
  }
  return { projectEnvFile: path.join(projectDir, '.env'), services };
}

function servicesOf(doc: unknown): Record<string, { volumes?: unknown; network_mode?: unknown } | null> {
  const services = (doc as { services?: unknown } | null)?.services;
  return services && typeof services === 'object' ? (services as Record<string, { volumes?: unknown; network_mode?: unknown } | null>) : {};
}

/**
 * Bind mounts whose source is a regular file. `config` has already resolved relative paths and
 * `${VAR}` in them; short syntax is `src:dst[:mode]`, long syntax `{type: bind, source, target}`.
 * A source that does not exist is not a file mount (docker would create a directory).
 */
async function fileMounts(service: { volumes?: unknown } | null): Promise<FileMount[]> {
  const mounts: FileMount[] = [];
  for (const volume of Array.isArray(service?.volumes) ? service.volumes : []) {
    const mount = bindOf(volume);
    if (!mount) continue;
    const isFile = await stat(mount.source).then(
      (s) => s.isFile(),
      () => false,
    );
    if (isFile) mounts.push(mount);
  }
  return mounts.sort((a, b) => a.target.localeCompare(b.target)); // one order whoever merged them
}

function bindOf(volume: unknown): FileMount | undefined {
  if (typeof volume === 'string') {
    const [source, target] = volume.split(':');
    return source && target && path.isAbsolute(source) ? { source: path.resolve(source), target } : undefined;
  }
  const v = volume as { type?: unknown; source?: unknown; target?: unknown } | null;
  if (v?.type !== 'bind' || typeof v.source !== 'string' || typeof v.target !== 'string' || !path.isAbsolute(v.source)) return undefined;
  return { source: path.resolve(v.source), target: v.target };
}

/**
 * env_file and substituted variables come from the files as written: `config` output has both
 * already resolved away (env_file inlined into environment, `${VAR}` replaced). Entries from
 * every file are united, as an override file adds to its base. Paths resolve against the project
 * directory, as compose resolves them.
 */
function rawServices(written: unknown[], projectDir: string): Map<string, { envFiles: string[]; variables: string[] }> {
  const byService = new Map<string, { envFiles: Set<string>; variables: Set<string> }>();
  for (const doc of written) {
    for (const [name, service] of Object.entries(servicesOf(doc))) {
      const entry = byService.get(name) ?? { envFiles: new Set(), variables: new Set() };
      byService.set(name, entry);
      const s = service as { env_file?: unknown; environment?: unknown } | null;
      for (const f of envFileEntries(s?.env_file)) entry.envFiles.add(path.resolve(projectDir, f));
      for (const v of substituted(service)) entry.variables.add(v);
      for (const v of bareEnvironment(s?.environment)) entry.variables.add(v);
    }
  }
  return new Map([...byService].map(([name, e]) => [name, { envFiles: [...e.envFiles], variables: [...e.variables] }]));
}

/** Each compose file as written, parsed (an unreadable one as empty: compose has just read it). */
async function readComposeFiles(files: string[]): Promise<unknown[]> {
  const docs: unknown[] = [];
  for (const file of files) docs.push(readYamlData(await readFile(file, 'utf8').catch(() => '')));
  return docs;
}

/**
 * Every `$VAR`/`${VAR...}` anywhere in the service (environment, command, image tag): any of them
 * changing changes what compose creates. `$$` is a literal dollar; `${A:-${B}}` uses both.
 */
export function substituted(value: unknown, found: Set<string> = new Set()): string[] {
  if (typeof value === 'string') {
    for (const m of value.replaceAll('$$', '').matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)) found.add(m[1]!);
  } else if (Array.isArray(value)) {
    for (const item of value) substituted(item, found);
  } else if (value && typeof value === 'object') {
    for (const item of Object.values(value)) substituted(item, found);
  }
  return [...found];
}

/** `environment: [OPENAI_API_KEY]` or `{OPENAI_API_KEY: }`: the value comes from compose's own environment, the project .env included. */
function bareEnvironment(environment: unknown): string[] {
  if (Array.isArray(environment)) return environment.filter((e): e is string => typeof e === 'string' && !e.includes('=')).map((e) => e.trim());
  if (environment && typeof environment === 'object')
    return Object.entries(environment)
      .filter(([, v]) => v === null)
      .map(([k]) => k);
  return [];
}
