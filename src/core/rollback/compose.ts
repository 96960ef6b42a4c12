import { blindTo } from '../compose/consumers.js';
import { onPath } from '../compose/detect-cache.js';
import { COMPOSE_ARGV } from '../compose/detect.js';
import { type ComposeCli } from '../compose/compose-cli.js';
import { environmentChange, loadEnvironmentCompose, servicesToRecreate, type ComposeTarget, type EnvironmentCompose } from '../compose/environment.js';
import type { ComposeModel } from '../compose/model.js';
import { composeProject, type ComposeProject } from '../compose/project.js';
import type { ComposeConfig } from '../config/schema.js';
import type { Command, Runner } from '../exec/command.js';
import { CommandNotFoundError } from '../exec/errors.js';
import { composeUp } from '../compose/commands.js';

/** What finding the compose stack needs from outside; part of RollbackDeps (declared here so session.ts depends on this file, not both ways). */
export interface ComposeDeps {
  /** Runs compose and docker; carries no abort signal (a recreate must not be cut in half). */
  run: Runner;
  detectCompose: (opts: { command: ComposeConfig['command']; run: Runner; processEnv: NodeJS.ProcessEnv; cacheFile?: string }) => Promise<ComposeCli>;
}

/** The environment's compose stack, found once. */
export interface Composer {
  /** The environment's compose settings (services, health timeout). */
  config: ComposeConfig;
  /** As detected (flavor and version known): what readiness polling needs. */
  project(): Promise<ComposeProject>;
  /**
   * The services that read the restored files (given the keys the restore changes) and the
   * command that recreates them; no command when no service reads them. Awaiting it is the
   * compose preflight: a compose file the configured compose rejects fails here, exit 2.
   */
  recreate(variables: string[]): Promise<Recreate>;
  /** What each service reads (env files, bind mounts, substituted variables): whether a container already holds the files. */
  model(): Promise<ComposeModel>;
}

export interface Recreate {
  services: string[];
  /** `up -d --no-deps --force-recreate <services>`. */
  command?: Command;
  /** Of `services`, those compose never hands the env driver's weight: it is not judged in them. */
  weightBlind: string[];
}

/**
 * Nothing here runs compose unless it must. `compose.command: docker-compose` is used as named:
 * `up` is the same for v1 and v2, containers are listed by label (not `compose ps`), and the model
 * is read from the files where that gives compose's answer (loadComposeModel `direct`). `docker
 * compose` is asked for its version (a missing plugin must be refused before any file changes);
 * `auto` too, to learn which is installed. Both answers are cached in `cacheFile` (detect-cache.ts).
 */
export function prepareCompose(target: ComposeTarget, deps: ComposeDeps, opts: { cacheFile?: string } = {}): Composer {
  const { compose } = target.envConfig;
  const cli: Promise<ComposeCli> =
    compose.command === 'docker-compose'
      ? assertOnPath('docker-compose', target.processEnv).then(() => ({ argv: COMPOSE_ARGV['docker-compose'], flavor: 'v1', version: 'unknown' }))
      : deps.detectCompose({ command: compose.command, run: deps.run, processEnv: target.processEnv, cacheFile: opts.cacheFile });
  const detected = cli.then((c) => composeProject(c, compose, target.configDir, target.processEnv));
  detected.catch(() => undefined); // awaited later; the failure is reported there
  const loaded: Promise<EnvironmentCompose> = cli.then((c) => loadEnvironmentCompose(target, deps.run, c, { direct: true }));
  loaded.catch(() => undefined); // awaited by the plan, before any file is touched
  return {
    config: compose,
    project: () => detected,
    model: async () => (await loaded).model,
    async recreate(variables) {
      const { project, model } = await loaded;
      const change = environmentChange(target.envConfig, target.configDir, variables);
      const services = servicesToRecreate(model, target.envConfig, change);
      const { traffic } = target.envConfig;
      const weightBlind = traffic.driver === 'env' ? blindTo(model, change.files, traffic.weightKey, services) : [];
      return { services, command: services.length > 0 ? recreateCommand(project, services) : undefined, weightBlind };
    },
  };
}

/**
 * Without asking `version`, at least make sure the program exists before any file is restored:
 * a rollback that then cannot recreate would leave a half-done job (exit 3) where refusing up
 * front changes nothing (exit 2).
 */
async function assertOnPath(program: string, processEnv: NodeJS.ProcessEnv): Promise<void> {
  if (await onPath(program, processEnv)) return;
  throw new CommandNotFoundError(program, {
    hint: 'nothing was changed; install it, set compose.command in migrate.yaml, or restore the env files alone with --no-restart',
  });
}

/** A hung daemon must not hold an incident forever; a real recreate takes seconds. */
const RECREATE_TIMEOUT_MS = 5 * 60_000;

/** `up -d --no-deps --force-recreate <services>`: only the environment's services re-read their env files. */
export function recreateCommand(project: ComposeProject, services: string[]): Command {
  return { ...composeUp(project, services), timeoutMs: RECREATE_TIMEOUT_MS };
}
