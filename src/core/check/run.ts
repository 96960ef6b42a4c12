import type { Config, ProviderRole } from '../config/schema.js';
import { ProbeClient } from '../http/client.js';
import { providerEndpoints } from '../providers/endpoint.js';
import { probeEndpoint, type ProbeOptions } from './probe-endpoint.js';
import type { EndpointReport } from './types.js';

export interface CheckOptions {
  roles: ProviderRole[];
  samples: number;
  maxP95Ms?: number;
  maxErrors: number;
  strictModels?: boolean;
  processEnv: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  /** Called as each endpoint finishes, for progress. */
  onDone?: (report: EndpointReport) => void;
}

/** Every endpoint of every chosen provider, checked concurrently. */
export async function runCheck(config: Config, opts: CheckOptions): Promise<EndpointReport[]> {
  const client = new ProbeClient({ processEnv: opts.processEnv });
  try {
    const jobs = opts.roles.flatMap((role) =>
      providerEndpoints(role, config.providers[role]).map(async (endpoint) => {
        const probe: ProbeOptions = {
          models: config.models,
          samples: opts.samples,
          strictModels: opts.strictModels ?? config.providers[role].strictModels,
          maxP95Ms: opts.maxP95Ms,
          maxErrors: opts.maxErrors,
          processEnv: opts.processEnv,
          signal: opts.signal,
        };
        const report = await probeEndpoint(client, endpoint, probe);
        opts.onDone?.(report);
        return report;
      }),
    );
    return await Promise.all(jobs);
  } finally {
    await client.close();
  }
}
