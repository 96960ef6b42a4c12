import type { ProviderRole } from '../config/schema.js';
import { verifyEndpoint, type EndpointAnswer } from '../rollback/verify.js';
import { endpointFor, probeOptions, type AppViewInput } from './check.js';
import { judgeContainer } from './judge.js';

type Verify = NonNullable<AppViewInput['verify']>;

/**
 * Probe, before any container holds them, the pairs of `role` that `values` (the env files being
 * restored) hold, and return a verify for verifyAppView that answers from those probes. A rollback
 * starts this while compose recreates, so that afterwards only the containers are left to read.
 * An answer is reused only for exactly the endpoint probed (provider, URL, key, headers): a
 * container holding anything else is probed as it is found, so the app's view stays the truth.
 */
export function probeAhead(
  values: Record<string, string>,
  role: ProviderRole,
  input: Pick<AppViewInput, 'cutover' | 'config' | 'processEnv' | 'signal'>,
  verify: Verify = verifyEndpoint,
): Verify {
  const view = { id: '', service: '', status: '', values, from: {}, mounts: [] };
  const started = new Map<string, Promise<EndpointAnswer>>();
  for (const pair of judgeContainer(view, { step: '' }, input.cutover, input.config.providers).pairs) {
    if (pair.role !== role) continue;
    const endpoint = endpointFor(role, pair.url!, pair.keyVariable ? (values[pair.keyVariable] ?? '') : '', input.config);
    const id = identity(endpoint);
    if (started.has(id)) continue;
    const answer = verify(endpoint, probeOptions(role, input));
    answer.catch(() => undefined); // awaited only if a container holds this pair; a rejection is reported there
    started.set(id, answer);
  }
  return (endpoint, opts) => started.get(identity(endpoint)) ?? verify(endpoint, opts);
}

/** Everything a probe's request depends on besides the model, which is the config's in both cases. */
function identity(e: Parameters<Verify>[0]): string {
  return JSON.stringify([e.role, e.node, e.baseUrl, e.apiKey, e.headers, e.timeoutMs]);
}
