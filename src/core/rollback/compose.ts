import { COMPOSE_ARGV, type ComposeCli } from '../compose/detect.js';
import { composeProject, type ComposeProject } from '../compose/project.js';
import type { ComposeConfig } from '../config/schema.js';
import type { Command } from '../exec/command.js';
import { recreateCommand } from './services.js';
import type { RollbackDeps } from './session.js';

/** The environment's compose stack, found once. */
export interface Composer {
  /** As detected (flavor and version known): what readiness polling needs. */
  project(): Promise<ComposeProject>;
  /** The recreate command (`up -d --no-deps --force-recreate <services>`). */
  command(): Promise<Command>;
}

/**
 * Detection starts at once and runs alongside the plan. `docker-compose version` alone takes
 * half a second or more, so when compose.command names the program the recreate does not wait
 * for it: `up` is the same for v1 and v2, and only the readiness polling afterwards needs the
 * detected flavor. In `auto` mode the program itself is unknown until detection answers.
 */
export function prepareCompose(compose: ComposeConfig, configDir: string, deps: Pick<RollbackDeps, 'run' | 'detectCompose'>): Composer {
  const detected = deps.detectCompose({ command: compose.command, run: deps.run }).then((cli) => composeProject(cli, compose, configDir));
  detected.catch(() => undefined); // awaited later; the failure is reported there
  const named: ComposeCli | undefined =
    compose.command === 'auto' ? undefined : { argv: COMPOSE_ARGV[compose.command], flavor: compose.command === 'docker compose' ? 'v2' : 'v1', version: 'unknown' };
  const forUp = named ? Promise.resolve(composeProject(named, compose, configDir)) : detected;
  return { project: () => detected, command: async () => recreateCommand(await forUp, compose.services) };
}
