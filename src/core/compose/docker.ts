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

/** ["KEY=value", ...] as docker reports it; the value may itself contain "=". */
function envRecord(entries: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of entries) {
    const eq = entry.indexOf('=');
    if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return env;
}
