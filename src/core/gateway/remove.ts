import { promises as fs } from 'node:fs';
import path from 'node:path';
import { UnhealthyError, UsageError } from '../../errors.js';
import { composeUp } from '../compose/commands.js';
import { environmentChange, loadEnvironmentCompose, servicesToRecreate } from '../compose/environment.js';
import type { ComposeProject } from '../compose/project.js';
import { describeNotReady, waitForServices } from '../compose/wait.js';
import type { LoadedConfig } from '../config/load.js';
import type { EnvironmentConfig, ProviderRole } from '../config/schema.js';
import { setKeys } from '../envfile/edit.js';
import { updateEnvFile } from '../envfile/file.js';
import type { Runner } from '../exec/command.js';
import { writeFileAtomic } from '../fs/atomic.js';
import { weightOfInclude } from '../traffic/nginx-render.js';
import { inShapeOf } from '../providers/url-shape.js';
import { appUrlVariables, type UrlVariables } from './app-urls.js';
import { gatewayRemove, must } from './compose.js';
import { withoutGateway } from './config-edit.js';
import { gatewayLayout, OVERRIDE_FILE, type GatewayLayout } from './layout.js';
import { gatewayWeight } from './loaded.js';
import { containersNotAt } from './verify.js';

// `gateway remove`: the app back on the provider the gateway sends it to now (legacy before a
// cut-over, target after), its containers recreated and read back, and only then the gateway
// stopped and its files (which hold the keys) deleted.

export interface RemovePlan {
  environment: string;
  layout: GatewayLayout;
  role: ProviderRole;
  weight: number;
  /** Where the weight was read: nginx itself, or the include when nginx does not answer. */
  weightFrom: 'nginx' | 'include';
  /** Variable → value for the env files (the cut-over map's values when back on target: may hold keys). */
  updates: Record<string, string>;
  /** URL variables → the provider's URL, as the containers must hold them (printable). */
  urls: Record<string, string>;
  urlVariables: UrlVariables;
  /** With the override, to stop the gateway; without it, for the app from now on. */
  withGateway: ComposeProject;
  direct: ComposeProject;
  consumers: string[];
  configText: string;
}

export async function planRemove(o: { loaded: LoadedConfig; environment: string; envConfig: EnvironmentConfig; run: Runner; processEnv: NodeJS.ProcessEnv }): Promise<RemovePlan> {
  const { loaded, environment, envConfig } = o;
  const traffic = envConfig.traffic;
  if (traffic.driver !== 'nginx' || !traffic.gateway || !envConfig.compose) {
    throw new UsageError(`${environment} does not go through a gateway (environments.${environment}.traffic in ${loaded.name} is not one \`migrate gateway setup\` wrote)`);
  }
  const layout = gatewayLayout(loaded.dir, environment);
  const { project, model } = await loadEnvironmentCompose(
    { environment, envConfig: { ...envConfig, compose: envConfig.compose }, configDir: loaded.dir, processEnv: o.processEnv, at: loaded.at },
    o.run,
  );
  const held = await gatewayWeight(project, environment, o.run);
  const fromFile = weightOfInclude(await fs.readFile(path.resolve(loaded.dir, traffic.file), 'utf8').catch(() => ''));
  const weight = held.weight ?? fromFile;
  if (weight === undefined) throw new UsageError(`cannot tell where the gateway sends requests: nginx says ${held.error}, and ${traffic.file} has no migrate-weight line`);
  if (weight > 0 && weight < 100) {
    throw new UsageError(`the gateway splits requests ${weight}% to target: a ramp is under way`, {
      hint: `finish it (\`migrate ramp --env ${environment} --resume\`) or roll it back (\`migrate rollback --env ${environment}\`), then remove the gateway`,
    });
  }
  const role: ProviderRole = weight >= 100 ? 'target' : 'legacy';
  const providers = loaded.config.providers;
  const envFiles = envConfig.envFiles.map((f) => path.resolve(loaded.dir, f));
  const urlVariables = await appUrlVariables(envFiles, envConfig.cutover, providers);
  const names = urlVariables.names;
  // Back on target: the cut-over map is what the env files say when the app talks to target itself.
  const provider = (n: string) => (role === 'target' && n in envConfig.cutover ? envConfig.cutover[n]! : providers[role].baseUrl);
  // In the shape the variable held the gateway's URL: an app that adds /v1 itself (big-AGI) gets none.
  const gatewayValues = Object.assign({}, ...urlVariables.files.map((f) => f.values)) as Record<string, string>;
  const urls = Object.fromEntries(names.map((n) => [n, gatewayValues[n] === undefined ? provider(n) : inShapeOf(n, gatewayValues[n], provider(n))]));
  const updates = role === 'target' ? { ...envConfig.cutover, ...urls } : urls;
  const direct = { ...project, files: project.files.filter((f) => f !== layout.override) };
  const consumers = servicesToRecreate(model, { ...envConfig, compose: envConfig.compose }, environmentChange(envConfig, loaded.dir, names));
  return {
    environment,
    layout,
    role,
    weight,
    weightFrom: held.weight === undefined ? 'include' : 'nginx',
    updates,
    urls,
    urlVariables,
    withGateway: project,
    direct,
    consumers,
    configText: withoutGateway(await fs.readFile(loaded.file, 'utf8'), environment, OVERRIDE_FILE),
  };
}

export async function applyRemove(plan: RemovePlan, d: { loaded: LoadedConfig; run: Runner; timeoutMs: number; signal?: AbortSignal }): Promise<void> {
  for (const f of plan.urlVariables.files) await updateEnvFile(f.file, (doc) => setKeys(doc, plan.updates));
  if (plan.consumers.length > 0) {
    await must({ ...composeUp(plan.direct, plan.consumers), timeoutMs: 180_000 }, d);
    const ready = await waitForServices(plan.direct, plan.consumers, { timeoutMs: d.timeoutMs, signal: d.signal, run: d.run });
    if (!ready.ready) throw new UnhealthyError(`the app did not come back: ${describeNotReady(ready).join('; ')}`);
    const problems = await containersNotAt({
      project: plan.direct,
      services: plan.consumers,
      envFiles: plan.urlVariables.files.map((f) => f.file),
      expected: plan.urls,
      run: d.run,
    });
    if (problems.length > 0) throw new UnhealthyError(`the app's containers do not hold ${plan.role}'s URL: ${problems.join('; ')}; the gateway was left running`);
  }
  await must(gatewayRemove(plan.withGateway), d);
  await writeFileAtomic(d.loaded.file, plan.configText);
  await fs.rm(plan.layout.override, { force: true });
  // The include holds both keys: nothing that holds them stays behind. The access log is kept.
  await fs.rm(plan.layout.confDir, { recursive: true, force: true });
}
