import type { Command } from '../exec/command.js';
import { baseArgv, type ComposeProject } from './project.js';

/**
 * Recreate only these services so they re-read their env files. `docker compose restart` keeps
 * the old environment, and `down` + `up` takes the whole stack offline; `--no-deps` leaves the
 * services they depend on alone.
 */
export function composeUp(project: ComposeProject, services: string[]): Command {
  return {
    argv: [...baseArgv(project), 'up', '-d', '--no-deps', '--force-recreate', ...services],
    cwd: project.cwd,
    kind: 'write',
    description: `recreate ${services.join(', ')}`,
  };
}

/**
 * The services' containers, stopped ones included (a crashed service must be seen). v2 answers in
 * JSON; v1 has no JSON output, so it lists ids for `docker inspect`.
 */
export function composePs(project: ComposeProject, services: string[]): Command {
  const args = project.cli.flavor === 'v2' ? ['ps', '--all', '--format', 'json'] : ['ps', '-q'];
  return { argv: [...baseArgv(project), ...args, ...services], cwd: project.cwd, kind: 'read', timeoutMs: 30_000 };
}

/** Run a program inside a service's container (nginx -t, nginx -s reload). -T: no TTY, so it works from CI. */
export function composeExec(project: ComposeProject, service: string, argv: string[], kind: Command['kind']): Command {
  return { argv: [...baseArgv(project), 'exec', '-T', service, ...argv], cwd: project.cwd, kind };
}

/** Stop and remove the whole stack (a naive rollback does this; tests use it to clean up). */
export function composeDown(project: ComposeProject, opts: { volumes?: boolean } = {}): Command {
  return {
    argv: [...baseArgv(project), 'down', ...(opts.volumes ? ['-v'] : [])],
    cwd: project.cwd,
    kind: 'write',
    description: 'stop and remove the stack',
  };
}
