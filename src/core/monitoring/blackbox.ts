import { stringify } from 'yaml';
import type { Config } from '../config/schema.js';
import { keyGroups } from './nodes.js';

// blackbox_exporter modules: an authenticated GET /models per provider (and per node with its
// own key), as `check` sends it, so node health shows when no traffic flows. The key is read
// from a 0600 file (credentials_file); it is never in blackbox.yml nor in Prometheus' config.

export interface KeyFile {
  module: string;
  /** Absolute path as the exporter sees it. */
  file: string;
  apiKey: string;
}

export function keyFiles(config: Config, dir: string): KeyFile[] {
  return keyGroups(config).map((g) => ({ module: g.module, file: `${dir}/${g.module.replace(/^migrate_|_models$/g, '')}.key`, apiKey: g.apiKey }));
}

export function renderBlackbox(config: Config, environment: string, keys: KeyFile[]): string {
  const modules = Object.fromEntries(
    keyGroups(config).map((g) => {
      const provider = config.providers[g.provider];
      const node = g.node ? provider.nodes.find((n) => n.id === g.node) : undefined;
      const headers = { ...provider.headers, ...node?.headers };
      const http: Record<string, unknown> = {
        method: 'GET',
        valid_status_codes: [200],
        // An OpenAI-compatible list: a login page answering 200 is no healthy node.
        fail_if_body_not_matches_regexp: ['"data"'],
        preferred_ip_protocol: 'ip4',
        headers: { Accept: 'application/json', ...headers },
        // http_client_config is inlined in the module (blackbox_exporter's HTTPProbe).
        authorization: { type: 'Bearer', credentials_file: keys.find((k) => k.module === g.module)!.file },
      };
      return [g.module, { prober: 'http', timeout: `${Math.min(10, Math.ceil(provider.timeoutMs / 1000))}s`, http }];
    }),
  );
  return `# Written by \`migrate monitoring --env ${environment}\`: one module per provider key; keys in the 0600 *.key files beside it.\n${stringify({ modules }, { lineWidth: 0 })}`;
}
