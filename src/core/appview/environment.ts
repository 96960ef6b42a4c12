import { detectCompose } from '../compose/detect.js';
import { environmentChange, servicesToRecreate, type ComposeTarget } from '../compose/environment.js';
import { blindTo } from '../compose/consumers.js';
import { loadComposeModel } from '../compose/model.js';
import { composeProject, type ComposeProject } from '../compose/project.js';
import { resolveConfigPath } from '../config/environment.js';
import { type LoadedConfig } from '../config/load.js';
import type { EnvironmentConfig } from '../config/schema.js';
import type { Runner } from '../exec/command.js';
import { gatewayUrls } from '../gateway/app-urls.js';
import { formatWeight } from '../traffic/env.js';
import { verifyAppView, type AppView, type AppViewInput } from './check.js';
import type { Expectation } from './judge.js';

/** Said once when an environment has no compose section: nothing to inspect. */
export const NO_COMPOSE = "no compose section: the app's containers are not checked";

/**
 * What a ramp step means the containers hold. Below 100 % the env driver writes only the weight
 * (the app stays on legacy); at 100 % a cut-over map points it at target. Other drivers move
 * traffic outside the app below 100 %, so there is nothing in the containers to judge then.
 * Behind `migrate gateway` the app keeps the gateway's URL at every weight: a container that
 * does not hold it is not in the split, and at 100 % the gateway must send it to target.
 */
export function rampExpectation(envConfig: EnvironmentConfig, weight: number): Expectation | undefined {
  const gateway = envConfig.traffic.driver === 'nginx' && envConfig.traffic.gateway === true;
  if (gateway) {
    const step = `stage ${formatWeight(weight)}%`;
    return weight >= 100 ? { role: 'target', gateway: { routesTo: 'target' }, step } : { gateway: {}, step };
  }
  const cutover = weight >= 100 && Object.keys(envConfig.cutover).length > 0;
  const weightKey = envConfig.traffic.driver === 'env' ? { key: envConfig.traffic.weightKey, value: formatWeight(weight) } : undefined;
  if (cutover) return { role: 'target', weight: weightKey, step: 'the cut-over' };
  if (!weightKey) return undefined;
  return { role: 'legacy', weight: weightKey, step: `stage ${formatWeight(weight)}%` };
}

export interface EnvironmentViewInput {
  loaded: LoadedConfig;
  envConfig: EnvironmentConfig;
  /** Whose containers to judge; unless given, the services a step recreates (compose.services, or those the compose model says read the env files). */
  services?: string[];
  expected: Expectation;
  run: Runner;
  processEnv: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  probe?: boolean;
  /** The project when the caller has it detected already. */
  project?: ComposeProject;
  verify?: AppViewInput['verify'];
}

/** The app's view of one environment; undefined when it has no compose section. */
export async function environmentAppView(o: EnvironmentViewInput): Promise<AppView | undefined> {
  const compose = o.envConfig.compose;
  if (!compose) return undefined;
  const project = o.project ?? composeProject(await detectCompose({ command: compose.command, run: o.run, processEnv: o.processEnv }), compose, o.loaded.dir, o.processEnv);
  const services = o.services ?? (await consumers(o.envConfig as ComposeTarget['envConfig'], o.loaded.dir, project, o.run));
  const envFiles = o.envConfig.envFiles.map((f) => resolveConfigPath(o.loaded, f));
  // Behind `migrate gateway` a container on it says so, rather than "neither provider".
  const { traffic } = o.envConfig;
  const gateway =
    traffic.driver === 'nginx' && traffic.gateway === true
      ? { urls: await gatewayUrls(o.loaded.dir, traffic.file, o.loaded.config.gateway.port), ...(o.expected.gateway?.routesTo ? { routesTo: o.expected.gateway.routesTo } : {}) }
      : undefined;
  return verifyAppView({
    gateway,
    project,
    services,
    envFiles,
    cutover: o.envConfig.cutover,
    config: o.loaded.config,
    expected: await withBlind(o.expected, project, envFiles, services, o.run),
    run: o.run,
    processEnv: o.processEnv,
    signal: o.signal,
    probe: o.probe,
    verify: o.verify,
  });
}

/** The expectation, its weight not judged in the services that compose never hands it. */
async function withBlind(expected: Expectation, project: ComposeProject, envFiles: string[], services: string[], run: Runner): Promise<Expectation> {
  if (!expected.weight) return expected;
  const blind = blindTo(await loadComposeModel(project, run), envFiles, expected.weight.key, services);
  return { ...expected, weight: { ...expected.weight, blind } };
}

/** The services the environment's steps recreate: the ones whose containers must hold what a step meant. */
async function consumers(envConfig: ComposeTarget['envConfig'], configDir: string, project: ComposeProject, run: Runner): Promise<string[]> {
  if (envConfig.compose.services) return [...new Set([...envConfig.compose.services, ...envConfig.compose.alsoRecreate])];
  return servicesToRecreate(await loadComposeModel(project, run), envConfig, environmentChange(envConfig, configDir));
}
