import { finding, type Finding } from './rules.js';
import { checkSchema } from './schema-check.js';

/** Conformance of GET /models: a list tools can discover models from. Only ever warnings. */
export function checkModelsList(status: number, body: unknown): Finding[] {
  if (status !== 200) return [finding('models.list', `GET /models answered HTTP ${status}`)];
  return checkSchema('ListModelsResponse', body, 'models: ').map((f) => ({ ...f, rule: 'models.list' as const, severity: 'warning' as const }));
}
