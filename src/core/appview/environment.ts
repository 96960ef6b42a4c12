import { detectCompose } from '../compose/detect.js';
import { environmentChange, servicesToRecreate, type ComposeTarget } from '../compose/environment.js';
import { consumersOf } from '../compose/consumers.js';
import { loadComposeModel, type ComposeModel } from '../compose/model.js';
import { composeProject, type ComposeProject } from '../compose/project.js';
import { resolveConfigPath, type LoadedConfig } from '../config/index.js';
import type { EnvironmentConfig } from '../config/schema.js';
import type { Runner } from '../exec/command.js';
import { formatWeight } from '../traffic/env.js';
import { verifyAppView, type AppView, type AppViewInput } from './check.js';
import type { Expectation } from './judge.js';

/** Said once when an environment has no compose section: nothing to inspect. */
export const NO_COMPOSE = 'no compose section: the app\'s containers are not checked';

/**
 * What a ramp step means the containers hold. Below 100 % the env driver writes only the weight
 * (the app stays on legacy); at 100 % a cut-over map points it at target. Other drivers move
 * traffic outside the app below 100 %, so there is nothing in the containers to judge then.
 */
export function rampExpectation(env: EnvironmentConfig, weight: number): Expectation | undefined {
  // Behind `migrate gateway` the app keeps the gateway's URL at every weight: no cut-over to see.
  const gateway = env.traffic.driver === 'nginx' && env.traffic.gateway === true;
  const cutover = weight >= 100 && Object.keys(env.cutover).length > 0 && !gateway;
  const weightKey = env.traffic.driver === 'env' ? { key: env.traffic.weightKey, value: formatWeight(weight) } : undefined;
  if (cutover) return { role: 'target', weight: weightKey, step: 'the cut-over' };
  if (!weightKey) return undefined;
  return { role: 'legacy', weight: weightKey, step: `stage ${formatWeight(weight)}%` };
}

export interface EnvironmentViewInput {
  loaded: LoadedConfig;
  env: EnvironmentConfig;
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
  const compose = o.env.compose;
  if (!compose) return undefined;
  const project = o.project ?? composeProject(await detectCompose({ command: compose.command, run: o.run }), compose, o.loaded.dir);
  const target = o.env as ComposeTarget['env'];
  // The compose model: for the services to judge when neither the caller nor compose.services names them, and for who sees the weight.
  const model = o.expected.weight || (!o.services && !compose.services) ? await loadComposeModel(project, o.run) : undefined;
  return verifyAppView({
    project,
    services: o.services ?? (compose.services ? [...new Set([...compose.services, ...compose.alsoRecreate])] : servicesToRecreate(model!, target, environmentChange(target, o.loaded.dir))),
    weightReaders: o.expected.weight ? weightReaders(model!, target, o.loaded.dir, o.expected.weight.key) : undefined,
    envFiles: o.env.envFiles.map((f) => resolveConfigPath(o.loaded, f)),
    cutover: o.env.cutover,
    config: o.loaded.config,
    expected: o.expected,
    run: o.run,
    env: o.processEnv,
    signal: o.signal,
    probe: o.probe,
    verify: o.verify,
  });
}

/**
 * Services whose containers can see the weight key: they read an env file whole (env_file, a bind
 * mount) or interpolate the key. One that takes only `${OPENAI_API_BASE_URL}` from the project .env
 * (Open WebUI) never sees it, so a stage below 100 % has nothing to show in it: not a failure.
 */
function weightReaders(model: ComposeModel, env: ComposeTarget['env'], configDir: string, key: string): string[] {
  return consumersOf(model, { files: environmentChange(env, configDir).files, variables: [key] });
}
