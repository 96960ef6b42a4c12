import path from 'node:path';
import type { ComposeModel } from './model.js';

/** What a step changes: env files (absolute) and the variables it writes into them. */
export interface EnvChange {
  files: string[];
  variables: string[];
}

/** Where each service sees `hostFile` through a single-file bind mount (to read it as the container does). */
export function bindMountsOf(model: ComposeModel, hostFile: string): { service: string; containerPath: string }[] {
  const file = path.resolve(hostFile);
  return model.services.flatMap((s) => s.fileMounts.filter((m) => m.source === file).map((m) => ({ service: s.name, containerPath: m.target })));
}

/**
 * The services that must be recreated to see the change, in the model's order: those whose env_file
 * lists a changed file, those that bind-mount one (a rename leaves them on the old inode), and,
 * when the project's `.env` changes, those into which compose substitutes a changed variable.
 * The rest (a database, a local model server) keep running.
 */
export function consumersOf(model: ComposeModel, change: EnvChange): string[] {
  const files = new Set(change.files.map((f) => path.resolve(f)));
  const variables = files.has(model.projectEnvFile) ? new Set(change.variables) : new Set<string>();
  return model.services
    .filter((s) => s.envFiles.some((f) => files.has(f)) || s.fileMounts.some((m) => files.has(m.source)) || s.variables.some((v) => variables.has(v)))
    .map((s) => s.name);
}

/**
 * The services among `services` that cannot see `variable` in the changed files: compose hands
 * them only the variables their `environment:` names (Open WebUI's `${OPENAI_API_BASE_URL}`), so a
 * weight written beside those never reaches their containers, however often they are recreated.
 */
export function blindTo(model: ComposeModel, files: string[], variable: string, services: string[]): string[] {
  const readers = new Set(consumersOf(model, { files, variables: [variable] }));
  return services.filter((s) => !readers.has(s));
}
