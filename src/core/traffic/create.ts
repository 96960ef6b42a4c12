import path from 'node:path';
import { UsageError } from '../../errors.js';
import { blindTo } from '../compose/consumers.js';
import { environmentChange, loadEnvironmentCompose, servicesToRecreate, type ComposeTarget } from '../compose/environment.js';
import type { ComposeProject } from '../compose/project.js';
import type { Config, EnvironmentConfig } from '../config/schema.js';
import type { KeyPath } from '../config/source.js';
import type { Runner } from '../exec/command.js';
import { commandDriver } from './command.js';
import { withCutover, type CutoverOptions } from './cutover.js';
import { envDriver } from './env.js';
import type { ModelVariables } from './model-variables.js';
import { nginxDriver } from './nginx.js';
import { measureNodeOrder } from './node-order.js';
import type { TrafficDriver } from './types.js';

export interface DriverInput {
  environment: string;
  envConfig: EnvironmentConfig;
  providers: Config['providers'];
  /** The config file's directory: relative paths in migrate.yaml resolve against it. */
  configDir: string;
  /** Every secret of the loaded config, for redacted summaries. */
  secrets: string[];
  /** Used to detect Docker Compose and read its model (reads) when the driver needs them. */
  run: Runner;
  /** The Context's processEnv: what compose and docker see (DOCKER_HOST, COMPOSE_PROJECT_NAME, PATH). */
  processEnv: NodeJS.ProcessEnv;
  /** `migrate.yaml:12` for a key path, so an unknown compose service names its line. */
  at?: (keys: KeyPath) => string;
  /** The ramp: measure the nodes at each stage apply so the nginx include lists the fastest first. */
  measureNodes?: { models: string[]; processEnv: NodeJS.ProcessEnv };
}

/** The environment's traffic driver, configured. Detects Compose only when the driver uses it. */
export async function createTrafficDriver(input: DriverInput): Promise<TrafficDriver> {
  const { envConfig, configDir } = input;
  const traffic = envConfig.traffic;
  switch (traffic.driver) {
    case 'env':
      return envDriver({
        envFiles: envConfig.envFiles.map((f) => path.resolve(configDir, f)),
        weightKey: traffic.weightKey,
        cutover: envConfig.cutover,
        compose: await recreation(input, traffic.weightKey),
        secrets: input.secrets,
        modelVariables: modelVariablesOf(input),
      });
    case 'nginx': {
      const nginx = nginxDriver({
        environment: input.environment,
        file: path.resolve(configDir, traffic.file),
        binary: traffic.binary,
        args: traffic.args,
        splitKey: traffic.splitKey,
        providers: input.providers,
        service: traffic.service ? { project: await serviceProject(input, traffic.service), name: traffic.service } : undefined,
        measureNodes: input.measureNodes && (() => measureNodeOrder({ environment: input.environment, providers: input.providers, ...input.measureNodes! })),
      });
      // Through the gateway the app keeps its base URL at 100 % too: a cut-over would take it off the gateway.
      return traffic.gateway ? nginx : withCutover(nginx, cutoverOptions(input));
    }
    case 'command': {
      const command = commandDriver({ environment: input.environment, command: traffic.command, timeoutMs: traffic.timeout, cwd: configDir });
      return withCutover(command, cutoverOptions(input));
    }
  }
}

/** The env files point at target for good at 100 %, whichever driver moved the traffic. */
function cutoverOptions(input: DriverInput): CutoverOptions {
  const { envConfig } = input;
  let found: ReturnType<typeof recreation> | undefined;
  return {
    envFiles: envConfig.envFiles.map((f) => path.resolve(input.configDir, f)),
    cutover: envConfig.cutover,
    compose: envConfig.compose ? () => (found ??= recreation(input)) : undefined,
    secrets: input.secrets,
    modelVariables: modelVariablesOf(input),
  };
}

/**
 * The services to recreate after the env files change (see servicesToRecreate), or undefined
 * when there is no compose section or nothing reads the files: `up` with no service names
 * would recreate the whole stack.
 */
async function recreation(input: DriverInput, weightKey?: string): Promise<{ project: ComposeProject; services: string[]; weightBlind?: string[] } | undefined> {
  const target = composeTarget(input);
  if (!target) return undefined;
  const { project, model } = await loadEnvironmentCompose(target, input.run);
  const change = environmentChange(target.envConfig, input.configDir);
  const services = servicesToRecreate(model, target.envConfig, change);
  if (services.length === 0) return undefined;
  return { project, services, ...(weightKey ? { weightBlind: blindTo(model, change.files, weightKey, services) } : {}) };
}

function composeTarget(input: DriverInput): ComposeTarget | undefined {
  const { envConfig } = input;
  return envConfig.compose
    ? { environment: input.environment, envConfig: { ...envConfig, compose: envConfig.compose }, configDir: input.configDir, processEnv: input.processEnv, at: input.at }
    : undefined;
}

function modelVariablesOf(input: DriverInput): ModelVariables {
  return { names: input.envConfig.modelVariables ?? [], models: input.providers.target.models ?? {} };
}

async function project(input: DriverInput): Promise<ComposeProject> {
  return (await loadEnvironmentCompose(composeTarget(input)!, input.run)).project;
}

async function serviceProject(input: DriverInput, service: string): Promise<ComposeProject> {
  if (!input.envConfig.compose) {
    throw new UsageError(`environments.${input.environment}.traffic.service: "${service}" needs environments.${input.environment}.compose`, {
      hint: 'name the compose files that define the nginx service under compose.files',
    });
  }
  return project(input);
}
