// A relay often knows the app's models by other names (`openai/gpt-4.1` for `gpt-4.1`). Apps that
// read their model from an env variable (DEFAULT_MODEL, GENERIC_OPEN_AI_MODEL_PREF) get the
// target's name written there at cut-over, beside the cutover keys; rollback restores the file.

export interface ModelVariables {
  /** environments.<e>.modelVariables */
  names: string[];
  /** providers.target.models: the app's name -> the target's. */
  models: Record<string, string>;
}

/** The writes one env file needs: each listed variable it holds whose value the target maps. */
export function modelUpdates(current: Record<string, string>, vars: ModelVariables | undefined): Record<string, string> {
  const updates: Record<string, string> = {};
  for (const name of vars?.names ?? []) {
    const value = current[name]?.trim();
    if (value === undefined || !Object.hasOwn(vars!.models, value)) continue;
    const mapped = vars!.models[value]!;
    if (mapped !== current[name]) updates[name] = mapped;
  }
  return updates;
}
