import type { ProbeResponse, RequestSpec } from '../http/types.js';
import { checkErrorResponse, type BadRequestKind } from '../openai/error-envelope.js';
import { checkModelsList } from '../openai/models-list.js';
import type { Finding } from '../openai/rules.js';
import { providerModel, type Endpoint } from '../providers/endpoint.js';
import { chatSpec, modelsSpec } from './request.js';

// Deliberately bad requests whose error envelope is checked, and the model list. Run once per
// provider; none is retried (a 401 or 404 is the expected answer).

export type ProbeKind = BadRequestKind | 'models';

export interface ProbeResult {
  kind: ProbeKind;
  httpStatus?: number;
  findings: Finding[];
  /** The probe got no HTTP answer at all (network, timeout). */
  error?: string;
}

export const PROBE_KINDS: readonly ProbeKind[] = ['bad-key', 'unknown-model', 'models'];

/** A key no provider issues: shaped like a real one so relays take the normal auth path. */
const INVALID_KEY = 'sk-migrate-validate-invalid-key-0000000000';
const UNKNOWN_MODEL = 'migrate-validate-no-such-model';

export function probeSpec(kind: ProbeKind, endpoint: Endpoint, model: string, signal: AbortSignal): RequestSpec {
  const retry = { retries: 0 };
  if (kind === 'models') return { ...modelsSpec(endpoint, signal), retry };
  const body = { model: kind === 'unknown-model' ? UNKNOWN_MODEL : providerModel(endpoint, model), messages: [{ role: 'user', content: 'ping' }], max_tokens: 1 };
  return { ...chatSpec(endpoint, body, signal, kind === 'bad-key' ? INVALID_KEY : endpoint.apiKey), retry };
}

export function readProbe(kind: ProbeKind, response: ProbeResponse): ProbeResult {
  const status = response.status;
  if (status === undefined) return { kind, findings: [], error: response.failure?.message ?? 'no response' };
  const findings = kind === 'models' ? checkModelsList(status, response.json) : checkErrorResponse(kind, status, response.json);
  return { kind, httpStatus: status, findings };
}
