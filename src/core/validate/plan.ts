import type { ProviderConfig, ProviderRole } from '../config/schema.js';
import { PROBE_KINDS, type ProbeKind } from './probes.js';
import { chatBody } from './request.js';
import type { CaseRun } from './suite.js';

// `validate --dry-run`: every request a run would send, as data, and nothing sent. Chat
// completions cost tokens, so a dry run must not reach a provider at all.

export interface PlannedRequest {
  provider: ProviderRole;
  case: string;
  model: string;
  stream: boolean;
  url: string;
}

export interface ValidationPlan {
  dryRun: true;
  requests: PlannedRequest[];
  probes: Array<{ provider: ProviderRole; probe: ProbeKind }>;
}

export function planValidation(runs: readonly CaseRun[], providers: Partial<Record<ProviderRole, ProviderConfig>>, defaultModel: string, withProbes = true): ValidationPlan {
  const roles = (['legacy', 'target'] as const).filter((r) => providers[r]);
  const requests = runs.flatMap((run) =>
    roles.map((provider) => {
      const body = chatBody(run, defaultModel);
      return { provider, case: run.key, model: String(body.model), stream: body.stream === true, url: `${providers[provider]!.baseUrl}/chat/completions` };
    }),
  );
  const probes = withProbes ? roles.flatMap((provider) => PROBE_KINDS.map((probe) => ({ provider, probe }))) : [];
  return { dryRun: true, requests, probes };
}

export function renderPlan(plan: ValidationPlan): string {
  const lines = plan.requests.map((r) => `  ${r.provider.padEnd(6)}  ${r.case}  ${r.model}${r.stream ? ' (stream)' : ''}  POST ${r.url}`);
  const probes = [...new Set(plan.probes.map((p) => p.probe))].join(', ');
  return [`dry run: would send ${plan.requests.length} chat completion(s) and ${plan.probes.length} probe(s)${probes ? ` (${probes})` : ''}; nothing was sent`, ...lines].join(
    '\n',
  );
}
