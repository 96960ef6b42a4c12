import type { ComposeCli } from '../compose/detect.js';
import { composeProject, type ComposeProject } from '../compose/project.js';
import type { ComposeConfig } from '../config/schema.js';
import type { Command, Runner } from '../exec/command.js';
import { recreateCommand } from './services.js';

/** The environment's compose stack, found once. */
export interface Composer {
  /** As detected (flavor and version known): what readiness polling needs. */
  project(): Promise<ComposeProject>;
  /** The recreate command (`up -d --no-deps --force-recreate <services>`). */
  command(): Promise<Command>;
}

type Detect = (opts: { command: ComposeConfig['command']; run: Runner }) => Promise<ComposeCli>;

const CONFIGURED: Record<Exclude<ComposeConfig['command'], 'auto'>, string[]> = {
  'docker compose': ['docker', 'compose'],
  'docker-compose': ['docker-compose'],
};

/**
 * Detection starts at once and runs alongside the plan. `docker-compose version` alone takes
 * half a second or more, so when compose.command names the program the recreate does not wait
 * for it: `up` is the same for v1 and v2, and only the readiness polling afterwards needs the
 * detected flavor. In `auto` mode the program itself is unknown until detection answers.
 */
export function prepareCompose(compose: ComposeConfig, configDir: string, deps: { run: Runner; detectCompose: Detect }): Composer {
  const detected = deps.detectCompose({ command: compose.command, run: deps.run }).then((cli) => composeProject(cli, compose, configDir));
  detected.catch(() => undefined); // awaited later; the failure is reported there
  const argv = compose.command === 'auto' ? undefined : CONFIGURED[compose.command];
  const forUp = argv ? Promise.resolve(composeProject({ argv, flavor: argv.length === 2 ? 'v2' : 'v1', version: 'unknown' }, compose, configDir)) : detected;
  return { project: () => detected, command: async () => recreateCommand(await forUp, compose.services) };
}
