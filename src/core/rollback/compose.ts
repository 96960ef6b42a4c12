import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import path from 'node:path';
import { COMPOSE_ARGV, type ComposeCli } from '../compose/detect.js';
import { composeProject, type ComposeProject } from '../compose/project.js';
import type { ComposeConfig } from '../config/schema.js';
import type { Command } from '../exec/command.js';
import { CommandNotFoundError } from '../exec/errors.js';
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
  const forUp = named ? assertOnPath(named.argv[0]!).then(() => composeProject(named, compose, configDir)) : detected;
  forUp.catch(() => undefined); // awaited by the plan, before any file is touched
  return { project: () => detected, command: async () => recreateCommand(await forUp, compose.services) };
}

/**
 * Without waiting for `version`, at least make sure the program exists before any file is
 * restored: a rollback that then cannot recreate would leave a half-done job (exit 3) where
 * refusing up front changes nothing (exit 2).
 */
async function assertOnPath(program: string): Promise<void> {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    if (await access(path.join(dir, program), constants.X_OK).then(() => true, () => false)) return;
  }
  throw new CommandNotFoundError(program, {
    hint: 'nothing was changed; install it, set compose.command in migrate.yaml, or restore the env files alone with --no-restart',
  });
}
