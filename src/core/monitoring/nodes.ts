import type { Config, ProviderRole } from '../config/schema.js';
import { providerEndpoints } from '../providers/endpoint.js';

/** One URL the blackbox exporter probes: the node's GET /models, as `check` sends it. */
export interface ProbeTarget {
  provider: ProviderRole;
  node: string;
  url: string;
}

export function probeTargets(config: Config): ProbeTarget[] {
  return (['legacy', 'target'] as const).flatMap((provider) =>
    providerEndpoints(provider, config.providers[provider]).map((e) => ({ provider, node: e.node, url: `${e.baseUrl}/models` })),
  );
}

/** A node with its own key needs its own module (one credentials file per module). */
export function keyGroups(config: Config): { module: string; provider: ProviderRole; node?: string; apiKey: string }[] {
  return (['legacy', 'target'] as const).flatMap((provider) => {
    const p = config.providers[provider];
    const own = p.nodes.filter((n) => n.apiKey !== undefined && n.apiKey !== p.apiKey);
    return [{ module: moduleName(provider), provider, apiKey: p.apiKey }, ...own.map((n) => ({ module: moduleName(provider, n.id), provider, node: n.id, apiKey: n.apiKey! }))];
  });
}

export function moduleName(provider: ProviderRole, node?: string): string {
  return node ? `migrate_${provider}_${node.replace(/[^A-Za-z0-9_]/g, '_')}_models` : `migrate_${provider}_models`;
}

/** The module that probes a node: its own when it has its own key. */
export function moduleOf(config: Config, target: ProbeTarget): string {
  const node = config.providers[target.provider].nodes.find((n) => n.id === target.node);
  return node?.apiKey !== undefined && node.apiKey !== config.providers[target.provider].apiKey ? moduleName(target.provider, node.id) : moduleName(target.provider);
}
