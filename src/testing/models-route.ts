// GET /v1/models and /v1/models/{id}.
import { modelNotFound, type ErrorReply } from './openai-errors.js';

// A fixed date keeps replies identical across runs.
const CREATED = 1_700_000_000;

interface Model {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
}

function model(name: string, id: string): Model {
  return { id, object: 'model', created: CREATED, owned_by: `fake-${name}` };
}

export function modelsList(name: string, models: readonly string[]): { object: 'list'; data: Model[] } {
  return { object: 'list', data: models.map((id) => model(name, id)) };
}

export function modelReply(name: string, models: readonly string[], id: string): Model | ErrorReply {
  return models.includes(id) ? model(name, id) : modelNotFound(id);
}
