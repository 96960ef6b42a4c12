import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { UsageError } from '../../errors.js';
import { urlRole } from '../appview/pairs.js';
import { environmentChange, loadEnvironmentCompose, servicesToRecreate } from '../compose/environment.js';
import type { ComposeProject } from '../compose/project.js';
import type { LoadedConfig } from '../config/load.js';
import type { EnvironmentConfig } from '../config/schema.js';
import type { Runner } from '../exec/command.js';
import { extraHeaderNames, renderNginxInclude, targetModelMap } from '../traffic/nginx-render.js';
import { inShapeOf } from '../providers/url-shape.js';
import { appUrlVariables, type UrlVariables } from './app-urls.js';
import { withGateway, type GatewayTraffic } from './config-edit.js';
import { gatewayLayout, GATEWAY_SERVICE, NGINX_ARGS, OVERRIDE_FILE, type GatewayLayout } from './layout.js';
import { gatewayUrl, renderGatewayConf, renderOverride } from './render.js';

// What `gateway setup` will do, worked out with reads only: --dry-run prints this, setup applies it.

/** The even per-request split of the nginx driver's default. */
export const SPLIT_KEY = '$request_id';

export interface SetupFlags {
  image?: string;
  port?: number;
  networkMode?: string;
}

export interface GatewayFile {
  file: string;
  content: string;
  mode: number;
  /** The content as it may be printed (the include with its keys redacted). */
  printable: string;
}

export interface SetupPlan {
  environment: string;
  layout: GatewayLayout;
  port: number;
  /** The app's containers share the host's network: the gateway is reached on loopback. */
  hostNetwork: boolean;
  url: string;
  /** What each URL variable is set to: the gateway URL in the shape the variable held (see gatewayValue). */
  values: Record<string, string>;
  /** The project with the override added (the gateway service exists in it). */
  project: ComposeProject;
  /** The services that read the env files: recreated to see the gateway URL. */
  consumers: string[];
  urls: UrlVariables;
  files: GatewayFile[];
  /** The include, written by the nginx driver's own writer (in place, 0600). */
  include: { file: string; printable: string };
  traffic: GatewayTraffic;
  configText: string;
}

export async function planSetup(o: {
  loaded: LoadedConfig;
  environment: string;
  envConfig: EnvironmentConfig;
  flags: SetupFlags;
  run: Runner;
  processEnv: NodeJS.ProcessEnv;
}): Promise<SetupPlan> {
  const { loaded, environment, envConfig } = o;
  const at = (keys: (string | number)[]) => `${loaded.at(keys)} `;
  if (!envConfig.compose) {
    throw new UsageError(`${at(['environments', environment])}environments.${environment}: gateway setup needs a compose section (the app's compose files)`, {
      hint: `add compose: { files: [docker-compose.yml] } to environments.${environment} in ${loaded.name}; for nginx on the host use \`migrate nginx-config --env ${environment} --write\``,
    });
  }
  if (envConfig.traffic.driver === 'nginx' && envConfig.traffic.gateway) {
    throw new UsageError(`${environment} already goes through the gateway (${loaded.name}: environments.${environment}.traffic)`, {
      hint: `see \`migrate gateway status --env ${environment}\``,
    });
  }
  const layout = gatewayLayout(loaded.dir, environment);
  if (envConfig.compose.files.includes(OVERRIDE_FILE) || (await exists(layout.override))) {
    throw new UsageError(`${layout.override} exists already: another environment's gateway, or one left behind`, {
      hint: `remove it with \`migrate gateway remove --env <its environment>\`, or delete it if nothing uses it`,
    });
  }
  const providers = loaded.config.providers;
  const envFiles = envConfig.envFiles.map((f) => path.resolve(loaded.dir, f));
  const urls = await appUrlVariables(envFiles, envConfig.cutover, providers);
  if (urls.names.length === 0) {
    throw new UsageError(`no base-URL variable found in ${envConfig.envFiles.join(', ')}: none holds a provider's URL, and environments.${environment}.cutover names none`, {
      hint: `add the app's base-URL variable to environments.${environment}.cutover (OPENAI_BASE_URL: <target URL>)`,
    });
  }
  for (const f of urls.files) {
    for (const [name, value] of Object.entries(f.values)) {
      if (urlRole(value, providers) !== 'legacy') {
        throw new UsageError(`${path.relative(loaded.dir, f.file)}: ${name} is ${value}, not legacy's URL: the gateway starts with every request on legacy`, {
          hint: `roll the app back to legacy first (\`migrate rollback --env ${environment}\`), then run gateway setup`,
        });
      }
    }
  }
  const { project, model } = await loadEnvironmentCompose(
    { environment, envConfig: { ...envConfig, compose: envConfig.compose }, configDir: loaded.dir, processEnv: o.processEnv, at: loaded.at },
    o.run,
  );
  const consumers = servicesToRecreate(model, { ...envConfig, compose: envConfig.compose }, environmentChange(envConfig, loaded.dir, urls.names));
  if (consumers.length === 0)
    throw new UsageError(`no compose service reads ${envConfig.envFiles.join(', ')}: nothing would send its requests through the gateway`, {
      hint: `name the app's services in environments.${environment}.compose.services`,
    });
  const hostNetwork = consumers.every((name) => model.services.find((s) => s.name === name)?.networkMode === 'host');
  const networkMode = o.flags.networkMode ?? loaded.config.gateway.networkMode ?? (hostNetwork ? 'host' : undefined);
  if (networkMode === 'host' && !hostNetwork) {
    throw new UsageError(`${consumers.join(', ')} use the compose network, so the gateway must too (it is reached as ${GATEWAY_SERVICE}): drop network mode host`);
  }
  const port = o.flags.port ?? loaded.config.gateway.port;
  const image = o.flags.image ?? loaded.config.gateway.image;
  const url = gatewayUrl(port, hostNetwork);
  const conf = renderGatewayConf({
    environment,
    port,
    hostNetwork: networkMode === 'host',
    headerNames: extraHeaderNames(providers),
    tries: loaded.config.gateway.tries,
    models: targetModelMap(providers) !== undefined,
  });
  const override = renderOverride({ environment, image, networkMode, port, layout, version: await composeVersion(project.files[0]!) });
  const rel = (file: string) => path.relative(loaded.dir, file);
  const traffic: GatewayTraffic = { driver: 'nginx', file: rel(layout.include), service: GATEWAY_SERVICE, args: NGINX_ARGS, accessLog: rel(layout.accessLog), gateway: true };
  return {
    environment,
    layout,
    port,
    hostNetwork,
    url,
    values: Object.fromEntries(urls.files.flatMap((f) => Object.entries(f.values)).map(([n, held]) => [n, gatewayValue(n, held, url)])),
    project: { ...project, files: [...project.files, layout.override] },
    consumers,
    urls,
    files: [
      { file: layout.nginxConf, content: conf, mode: 0o600, printable: conf },
      { file: layout.override, content: override, mode: 0o644, printable: override },
    ],
    include: { file: layout.include, printable: renderNginxInclude({ environment, weight: 0, splitKey: SPLIT_KEY, providers, redact: true }) },
    traffic,
    configText: withGateway(await fs.readFile(loaded.file, 'utf8'), environment, OVERRIDE_FILE, traffic),
  };
}

/**
 * The gateway URL as the variable's app expects it: an app that adds `/v1/...` itself (big-AGI)
 * gets the gateway's scheme and host only (the gateway serves `/v1/`); any other the whole URL.
 */
export function gatewayValue(name: string, held: string, url: string): string {
  return inShapeOf(name, held, url);
}

/** Compose v1 refuses an override whose `version:` differs from the base file's. */
export async function composeVersion(file: string): Promise<string | undefined> {
  const doc = parseYaml(await fs.readFile(file, 'utf8').catch(() => '')) as { version?: unknown } | null;
  return doc && (typeof doc.version === 'string' || typeof doc.version === 'number') ? String(doc.version) : undefined;
}

function exists(file: string): Promise<boolean> {
  return fs.stat(file).then(
    () => true,
    () => false,
  );
}
