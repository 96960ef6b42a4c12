import { checkErrorEnvelope } from './error-envelope.js';
import { finding, type Finding } from './rules.js';
import { checkSchema } from './schema-check.js';

/** Conformance of GET /models: a list tools can discover models from (warnings); an error answer must still be an envelope. */
export function checkModelsList(status: number, body: unknown): Finding[] {
  if (status < 200 || status >= 300) return [finding('models.list', `GET /models answered HTTP ${status}`), ...checkErrorEnvelope(body, 'models: ')];
  if (status !== 200) return [finding('models.list', `GET /models answered HTTP ${status}`)];
  return checkSchema('ListModelsResponse', body, 'models: ').map((f) => ({ ...f, rule: 'models.list' as const, severity: 'warning' as const }));
}
