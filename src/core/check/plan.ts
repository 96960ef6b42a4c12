import type { Config, ProviderRole } from '../config/schema.js';
import { providerEndpoints } from '../providers/endpoint.js';

export interface CheckPlan {
  dryRun: true;
  endpoints: Array<{ role: ProviderRole; node: string; requests: string[]; billed: number }>;
}

/**
 * `check --dry-run`: the requests each endpoint would get. A chat completion costs tokens, so a
 * dry run sends none of them (nor the free GET /models: nothing at all goes out).
 */
export function planCheck(config: Config, roles: ProviderRole[], samples: number): CheckPlan {
  const endpoints = roles.flatMap((role) =>
    providerEndpoints(role, config.providers[role]).map((e) => ({
      role,
      node: e.node,
      requests: [
        `GET ${e.baseUrl}/models`,
        `POST ${e.baseUrl}/chat/completions (chat)`,
        `POST ${e.baseUrl}/chat/completions (stream)`,
        `POST ${e.baseUrl}/chat/completions ×${samples + 1} (1 warm-up and ${samples} timed samples, streamed)`,
      ],
      billed: samples + 3,
    })),
  );
  return { dryRun: true, endpoints };
}

export function renderCheckPlan(plan: CheckPlan): string {
  const billed = plan.endpoints.reduce((n, e) => n + e.billed, 0);
  const lines = [`dry run: would send up to ${billed} chat completion(s) to ${plan.endpoints.length} endpoint(s); nothing was sent`];
  for (const e of plan.endpoints) for (const r of e.requests) lines.push(`  ${e.role}  ${e.node}  ${r}`);
  return lines.join('\n');
}
