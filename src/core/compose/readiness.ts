import type { ContainerState } from './docker.js';

/** One service's readiness at one moment. */
export interface ServiceState {
  service: string;
  ready: boolean;
  /** Not ready and never will be without a person (exited and docker will not restart it). */
  failed: boolean;
  /** Why it is not ready, in words an operator acts on ("exited with code 3"). */
  reason?: string;
  containers: ContainerState[];
}

/**
 * Ready means every container of the service is running, and healthy when it defines a
 * healthcheck. A service with no container is not ready (not created yet, or removed).
 */
export function serviceState(service: string, containers: ContainerState[]): ServiceState {
  if (containers.length === 0) return { service, ready: false, failed: false, reason: 'no container', containers };
  for (const c of containers) {
    const reason = containerProblem(c);
    if (reason) {
      const who = containers.length > 1 ? `${c.name}: ` : '';
      return { service, ready: false, failed: isFinal(c), reason: `${who}${reason}`, containers };
    }
  }
  return { service, ready: true, failed: false, containers };
}

function containerProblem(c: ContainerState): string | undefined {
  switch (c.status) {
    case 'running':
      return healthProblem(c);
    case 'exited':
      return c.oomKilled ? `killed: out of memory (exit code ${c.exitCode})` : `exited with code ${c.exitCode}`;
    case 'restarting':
      return `restarting (last exit code ${c.exitCode})`;
    case 'created':
      return 'created but not started';
    default:
      return c.status;
  }
}

function healthProblem(c: ContainerState): string | undefined {
  if (!c.health || c.health.status === 'healthy') return undefined;
  if (c.health.status === 'starting') return 'running, health check not passed yet';
  const output = c.health.lastOutput ? `: ${truncate(c.health.lastOutput, 200)}` : '';
  return `${c.health.status}${output}`;
}

// Waiting longer cannot help a container docker will not start again.
function isFinal(c: ContainerState): boolean {
  if (c.status === 'dead') return true;
  if (c.status !== 'exited') return false;
  return c.restartPolicy === '' || c.restartPolicy === 'no' || (c.restartPolicy === 'on-failure' && c.exitCode === 0);
}

function truncate(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ');
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
