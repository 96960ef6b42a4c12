import type { Config, RampConfig } from '../../config/schema.js';
import type { Runner } from '../../exec/command.js';
import { endpointOf } from '../../providers/endpoint.js';
import type { GateSource } from '../types.js';
import { commandSource } from './command.js';
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
}

export interface GateSources {
  all: GateSource[];
  /** Present when probes are on: start it once the first weight is applied. */
  probes?: ProbeSource;
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
  const all: GateSource[] = [
    ...(probes ? [probes] : []),
    ...(sources.prometheus ? [prometheusSource(sources.prometheus)] : []),
    ...(sources.command ? [commandSource({ command: sources.command, cwd: input.configDir, run: input.run })] : []),
    ...(sources.webhook ? [webhookSource({ url: sources.webhook })] : []),
  ];
  return { all, probes };
}
