import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import path from 'node:path';
import { blindTo } from '../compose/consumers.js';
import { COMPOSE_ARGV, type ComposeCli } from '../compose/detect.js';
import { environmentChange, loadEnvironmentCompose, servicesToRecreate, type ComposeTarget, type EnvironmentCompose } from '../compose/environment.js';
import { composeProject, type ComposeProject } from '../compose/project.js';
import type { Command } from '../exec/command.js';
import { CommandNotFoundError } from '../exec/errors.js';
import { recreateCommand } from './services.js';
import type { RollbackDeps } from './session.js';

/** The environment's compose stack, found once. */
export interface Composer {
  /** As detected (flavor and version known): what readiness polling needs. */
  project(): Promise<ComposeProject>;
  /**
   * The services that read the restored files (given the keys the restore changes) and the
   * command that recreates them; no command when no service reads them. Awaiting it is the
   * compose preflight: a compose file the configured compose rejects fails here, exit 2.
   */
  recreate(variables: string[]): Promise<Recreate>;
}

export interface Recreate {
  services: string[];
  /** `up -d --no-deps --force-recreate <services>`. */
  command?: Command;
  /** Of `services`, those compose never hands the env driver's weight: it is not judged in them. */
  weightBlind: string[];
}

/**
 * Detection starts at once and runs alongside the plan. `docker-compose version` alone takes
 * half a second or more, so when compose.command names the program the recreate does not wait
 * for it: `up` is the same for v1 and v2, and only the readiness polling afterwards needs the
 * detected flavor. In `auto` mode the program itself is unknown until detection answers.
 */
export function prepareCompose(target: ComposeTarget, deps: Pick<RollbackDeps, 'run' | 'detectCompose'>): Composer {
  const { compose } = target.env;
  const detected = deps.detectCompose({ command: compose.command, run: deps.run }).then((cli) => composeProject(cli, compose, target.configDir));
  detected.catch(() => undefined); // awaited later; the failure is reported there
  const named: ComposeCli | undefined =
    compose.command === 'auto' ? undefined : { argv: COMPOSE_ARGV[compose.command], flavor: compose.command === 'docker compose' ? 'v2' : 'v1', version: 'unknown' };
  const loaded: Promise<EnvironmentCompose> = (
    named ? assertOnPath(named.argv[0]!).then(() => loadEnvironmentCompose(target, deps.run, named)) : detected.then((p) => loadEnvironmentCompose(target, deps.run, p.cli))
  ).catch(async (err) => {
    // `docker compose` without the plugin: say that, not what `docker compose config` printed.
    if (!(err instanceof CommandNotFoundError)) await detected;
    throw err;
  });
  loaded.catch(() => undefined); // awaited by the plan, before any file is touched
  return {
    project: () => detected,
    async recreate(variables) {
      const { project, model } = await loaded;
      const change = environmentChange(target.env, target.configDir, variables);
      const services = servicesToRecreate(model, target.env, change);
      const { traffic } = target.env;
      const weightBlind = traffic.driver === 'env' ? blindTo(model, change.files, traffic.weightKey, services) : [];
      return { services, command: services.length > 0 ? recreateCommand(project, services) : undefined, weightBlind };
    },
  };
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
