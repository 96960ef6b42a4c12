import type { Command } from '../exec/command.js';

/** What `docker inspect` says about one container, reduced to what readiness and verification need. */
export interface ContainerState {
  id: string;
  name: string;
  /** The compose service it belongs to (label com.docker.compose.service). */
  service?: string;
  /** created, running, paused, restarting, removing, exited or dead. */
  status: string;
  exitCode: number;
  oomKilled: boolean;
  /** Only when the container defines a healthcheck. */
  health?: { status: 'starting' | 'healthy' | 'unhealthy' | string; lastOutput?: string };
  /** '' or 'no' means docker will not start it again after it exits. */
  restartPolicy: string;
  startedAt: string;
  // No Env here on purpose: states get printed and logged, and env files hold API keys.
}

export function dockerInspect(ids: string[]): Command {
  return { argv: ['docker', 'inspect', ...ids], kind: 'read', timeoutMs: 30_000 };
}

/**
 * Running containers of one compose service found by the labels compose puts on them, without
 * compose's own start-up (a second or more under load, per call). `project`: compose's name for
 * the project, which it lowercases and strips to [a-z0-9_-] in both v1 and v2.
 */
export function dockerPsService(project: string, service: string): Command {
  const name = project.toLowerCase().replace(/[^a-z0-9_-]/g, '');
  return {
    argv: ['docker', 'ps', '-q', '--no-trunc', '--filter', `label=com.docker.compose.project=${name}`, '--filter', `label=com.docker.compose.service=${service}`],
    kind: 'read',
    timeoutMs: 15_000,
  };
}

interface RawInspect {
  Id: string;
  Name?: string;
  State?: {
    Status?: string;
    ExitCode?: number;
    OOMKilled?: boolean;
    StartedAt?: string;
    Health?: { Status?: string; Log?: { Output?: string }[] };
  };
  Config?: { Env?: string[] | null; Labels?: Record<string, string> | null };
  HostConfig?: { RestartPolicy?: { Name?: string } };
  Mounts?: { Type?: string; Source?: string; Destination?: string }[] | null;
}

/** Parses `docker inspect` JSON (an array, one entry per container found). */
export function parseInspect(stdout: string): ContainerState[] {
  const raw = JSON.parse(stdout) as RawInspect[];
  return raw.map(toContainerState);
}

function toContainerState(c: RawInspect): ContainerState {
  const state = c.State ?? {};
  const log = state.Health?.Log ?? [];
  return {
    id: c.Id,
    name: (c.Name ?? '').replace(/^\//, ''),
    service: c.Config?.Labels?.['com.docker.compose.service'],
    status: state.Status ?? 'unknown',
    exitCode: state.ExitCode ?? 0,
    oomKilled: state.OOMKilled ?? false,
    health: state.Health ? { status: state.Health.Status ?? 'unknown', lastOutput: log[log.length - 1]?.Output?.trim() } : undefined,
    restartPolicy: c.HostConfig?.RestartPolicy?.Name ?? '',
    startedAt: state.StartedAt ?? '',
  };
}

/** A container's environment from `docker inspect` JSON of that one container. */
export function parseInspectEnv(stdout: string): Record<string, string> {
  const [raw] = JSON.parse(stdout) as RawInspect[];
  return envRecord(raw?.Config?.Env ?? []);
}

/** A file or directory of the host bound into a container. */
export interface BindMount {
  source: string;
  destination: string;
}

/** What a container holds: its environment (secrets: compare, never print) and its bind mounts. */
export interface ContainerInside {
  state: ContainerState;
  /** Started by `compose run`, not by `up`: not one of the service's containers. */
  oneOff: boolean;
  env: Record<string, string>;
  binds: BindMount[];
}

/** Parses `docker inspect` JSON into each container's state, environment and bind mounts. */
export function parseInspectInside(stdout: string): ContainerInside[] {
  const raw = JSON.parse(stdout) as RawInspect[];
  return raw.map((c) => ({
    state: toContainerState(c),
    oneOff: c.Config?.Labels?.['com.docker.compose.oneoff'] === 'True',
    env: envRecord(c.Config?.Env ?? []),
    binds: (c.Mounts ?? []).filter((m) => m.Type === 'bind' && m.Source && m.Destination).map((m) => ({ source: m.Source!, destination: m.Destination! })),
  }));
}

/** A file as the container sees it (through its mounts); needs `cat` in the image and a running container. */
export function dockerCat(id: string, file: string): Command {
  return { argv: ['docker', 'exec', id, 'cat', file], kind: 'read', timeoutMs: 15_000 };
}

/** The same file as a tar stream on stdout: works for images without `cat` and for stopped containers. */
export function dockerCopyOut(id: string, file: string): Command {
  return { argv: ['docker', 'cp', `${id}:${file}`, '-'], kind: 'read', timeoutMs: 15_000 };
}

/** ["KEY=value", ...] as docker reports it; the value may itself contain "=". */
function envRecord(entries: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of entries) {
    const eq = entry.indexOf('=');
    if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return env;
}
