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
    .filter(
      (s) =>
        s.envFiles.some((f) => files.has(f)) ||
        s.fileMounts.some((m) => files.has(m.source)) ||
        s.variables.some((v) => variables.has(v)),
    )
    .map((s) => s.name);
}
