import { type LoadedConfig, loadConfig } from '../config/load.js';
import { resolveEnvironment } from '../config/environment.js';
import type { EnvironmentConfig } from '../config/schema.js';
import type { Runner } from '../exec/command.js';
import { clockCheck } from './clock.js';
import { nodeCheck } from './node.js';
import { envFileChecks, stateDirCheck } from './project.js';
import { composeCheck, dockerCheck, gatewayImageCheck, nginxCheck, prometheusCheck } from './tools.js';
import { type DoctorCheck, failed, hintOf, oneLine, passed, skipped } from './types.js';

export interface DoctorOptions {
  cwd: string;
  processEnv: NodeJS.ProcessEnv;
  configPath?: string;
  /** --env: only this environment's files and tools. */
  environment?: string;
  run: Runner;
}

/** Every check, in the order a person fixes them: the machine, the config, what the config names. */
export async function runDoctor(opts: DoctorOptions): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [nodeCheck()];
  const loaded = await loadConfig({ cwd: opts.cwd, processEnv: opts.processEnv, configPath: opts.configPath, environment: opts.environment }).catch((err: unknown) => {
    checks.push(failed('config', oneLine(err), hintOf(err, 'fix the config, then run `migrate config` to check it').replace('the lines above', 'these lines')));
    return undefined;
  });
  let names: string[] = [];
  if (loaded) {
    // Warnings do not fail the check (commands run with them) but are the next thing to fix.
    const warnings = loaded.warnings.length === 0 ? '' : `; warning: ${loaded.warnings.join('; warning: ')}`;
    checks.push(passed('config', `${loaded.name} is valid (${Object.keys(loaded.config.environments).length} environment(s))${warnings}`));
    try {
      names = opts.environment ? [resolveEnvironment(loaded, opts.environment).name] : Object.keys(loaded.config.environments);
    } catch (err) {
      checks.push(failed('environment', oneLine(err), hintOf(err, 'pass --env with a name from migrate.yaml')));
    }
  }
  // Independent of each other: asked at once, printed in order.
  const [tools, project, clock] = await Promise.all([toolChecks(opts, loaded, names), projectChecks(opts, loaded, names), clockCheck(loaded)]);
  return [...checks, ...tools, ...project, clock];
}

async function projectChecks(opts: DoctorOptions, loaded: LoadedConfig | undefined, names: string[]): Promise<DoctorCheck[]> {
  if (!loaded) return [skipped('state', 'not checked: the config did not load'), skipped('env file', 'not checked: the config did not load')];
  return [await stateDirCheck(loaded, opts.cwd), ...(await envFileChecks(loaded, names, opts.cwd))];
}

/** docker and compose when an environment recreates services (or the config did not say); the rest only when named. */
async function toolChecks(opts: DoctorOptions, loaded: LoadedConfig | undefined, names: string[]): Promise<DoctorCheck[]> {
  const environments: Array<[string, EnvironmentConfig]> = loaded ? names.map((name) => [name, loaded.config.environments[name]!]) : [];
  const usesDocker = !loaded || environments.some(([, e]) => e.compose || (e.traffic.driver === 'nginx' && e.traffic.service));
  const composeCommand = environments.map(([, e]) => e.compose?.command).find((c) => c && c !== 'auto');
  const pending: Array<Promise<DoctorCheck>> = usesDocker
    ? [dockerCheck(opts.run), composeCheck(composeCommand, opts.processEnv)]
    : [Promise.resolve(skipped('docker', 'not needed: no environment checked names compose files'))];
  const nginx = new Map<string, Promise<DoctorCheck>>();
  for (const [name, e] of environments) {
    if (e.traffic.driver !== 'nginx') continue;
    const where = `environments.${name}`;
    if (e.traffic.gateway && loaded) nginx.set(`image ${loaded.config.gateway.image}`, gatewayImageCheck(opts.run, loaded.config.gateway.image));
    else if (e.traffic.service) nginx.set(`service ${e.traffic.service}`, Promise.resolve(skipped('nginx', `runs in the compose service ${e.traffic.service}`)));
    else nginx.set(`binary ${e.traffic.binary}`, nginxCheck(opts.run, e.traffic.binary, where));
  }
  const prometheus = new Map<string, Promise<DoctorCheck>>();
  const top = loaded?.config.ramp.sources.prometheus;
  if (top) prometheus.set(top.url, prometheusCheck(top.url, 'ramp.sources.prometheus'));
  for (const [name, e] of environments) {
    const own = e.ramp?.sources?.prometheus;
    if (own && !prometheus.has(own.url)) prometheus.set(own.url, prometheusCheck(own.url, `environments.${name}.ramp.sources.prometheus`));
  }
  return Promise.all([...pending, ...nginx.values(), ...prometheus.values()]);
}
