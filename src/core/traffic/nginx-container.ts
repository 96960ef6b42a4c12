import { serviceContainers } from '../compose/containers.js';
import type { ComposeProject } from '../compose/project.js';
import type { Command, Runner } from '../exec/command.js';

// nginx inside a compose service (the gateway), reached with `docker exec` on its running
// container: that starts in tens of ms where each `docker-compose exec` costs a second or more
// under load, and a rollback's reload is on the clock. The container is found through the Engine
// API by compose's labels (no compose start-up).

/** The service's running container id; undefined when none runs (or docker does not answer). */
export async function runningContainer(project: ComposeProject, service: string, run: Runner): Promise<string | undefined> {
  const containers = await serviceContainers(project, [service], run).catch(() => []);
  return containers.find((c) => c.status === 'running')?.id;
}

/** `docker exec <container> <argv>`. */
export function execIn(container: string, argv: string[], kind: Command['kind'], description?: string): Command {
  return { argv: ['docker', 'exec', container, ...argv], kind, timeoutMs: 30_000, ...(description ? { description } : {}) };
}
