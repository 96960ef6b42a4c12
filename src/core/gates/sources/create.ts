import path from 'node:path';
import type { Config, RampConfig, TrafficConfig } from '../../config/schema.js';
import { nodeMap } from '../../gateway/traffic-stats.js';
import type { Runner } from '../../exec/command.js';
import { endpointOf } from '../../providers/endpoint.js';
import type { GateSource } from '../types.js';
import { commandSource } from './command.js';
import { gatewaySource, type RealTrafficSource } from './gateway.js';
import { prometheusSource } from './prometheus.js';
import { probeSource, type ProbeSource, type ProbeTransport } from './probes.js';
import { webhookSource } from './webhook.js';

export interface SourcesInput {
  sources: RampConfig['sources'];
  providers: Config['providers'];
  /** The model probes ask for (the config's first). */
  model: string;
  client: ProbeTransport;
  /** Where a command source runs: the config file's directory. */
  configDir: string;
  run: Runner;
  /** The environment being ramped: the gateway source reads its nginx access log. */
  environment: string;
  traffic: TrafficConfig;
}

export interface GateSources {
  all: GateSource[];
  /** Present when probes are on: start it once the first weight is applied. */
  probes?: ProbeSource;
  /** Present when the real-traffic source is on: start it before the first weight is applied. */
  gateway?: RealTrafficSource;
}

/** Every source the config turns on; probes unless `probes: false`. */
export function createGateSources(input: SourcesInput): GateSources {
  const { sources } = input;
  const probes =
    sources.probes === false
      ? undefined
      : probeSource({
          client: input.client,
          target: endpointOf('target', input.providers.target),
          legacy: sources.probes.baseline ? endpointOf('legacy', input.providers.legacy) : undefined,
          model: input.model,
          rps: sources.probes.rps,
        });
  const log = gatewayLog(input);
  const gateway = log
    ? gatewaySource({
        file: path.resolve(input.configDir, log),
        environment: input.environment,
        nodes: { legacy: nodeMap('legacy', input.providers.legacy, input.environment), target: nodeMap('target', input.providers.target, input.environment) },
      })
    : undefined;
  const all: GateSource[] = [
    ...(gateway ? [gateway] : []),
    ...(probes ? [probes] : []),
    ...(sources.prometheus ? [prometheusSource(sources.prometheus)] : []),
    ...(sources.command ? [commandSource({ command: sources.command, cwd: input.configDir, run: input.run })] : []),
    ...(sources.webhook ? [webhookSource({ url: sources.webhook })] : []),
  ];
  return { all, probes, gateway };
}

/** `gateway: false` turns it off; `{log}` names the log; unset, the nginx driver's accessLog turns it on. */
function gatewayLog(input: SourcesInput): string | undefined {
  const own = input.sources.gateway;
  if (own === false) return undefined;
  const driverLog = input.traffic.driver === 'nginx' ? input.traffic.accessLog : undefined;
  return own?.log ?? driverLog;
}
