// What a relay target needs that the app's env files may not carry: extra headers (a gateway's
// `x-portkey-provider`) and its own model names. The env driver only writes env files, so the app
// sends its own headers and model names: said plainly before a ramp, not found out at 100 %.
import type { Config, EnvironmentConfig } from '../config/schema.js';

export interface RelayNeeds {
  /** Refused unless --force: the env driver cannot carry these at all. */
  errors: string[];
  warnings: string[];
}

/**
 * `values`: what the environment's env files say now (later files win), to tell whether a model
 * variable holds the app's model. Header values are never shown, only names.
 */
export function relayNeeds(config: Config, environment: string, envConfig: EnvironmentConfig, values: Record<string, string>): RelayNeeds {
  const target = config.providers.target;
  const errors: string[] = [];
  const warnings: string[] = [];
  const headers = [...new Set([...Object.keys(target.headers ?? {}), ...target.nodes.flatMap((n) => Object.keys(n.headers ?? {}))])].filter(
    (h) => h.toLowerCase() !== 'authorization',
  );
  const direct = envConfig.traffic.driver === 'env';
  if (headers.length > 0 && direct) {
    errors.push(
      `target needs header${headers.length > 1 ? 's' : ''} ${headers.join(', ')}; the env driver cannot add headers: use the nginx driver (a gateway in front of the app), or make the app send ${headers.length > 1 ? 'them' : 'it'} and pass --force`,
    );
  } else if (headers.length > 0 && Object.keys(envConfig.cutover).length > 0 && !(envConfig.traffic.driver === 'nginx' && envConfig.traffic.gateway)) {
    warnings.push(
      `target needs header${headers.length > 1 ? 's' : ''} ${headers.join(', ')}; at 100 % the cut-over points the app at target in its env files, so the app must send ${headers.length > 1 ? 'them' : 'it'} itself from then on`,
    );
  }
  const names = target.models ?? {};
  const mapped = config.models.filter((m) => Object.hasOwn(names, m) && names[m] !== m);
  for (const model of mapped) {
    const name = names[model]!;
    const holders = (envConfig.modelVariables ?? []).filter((v) => [model, name].includes(values[v]?.trim() ?? ''));
    if (holders.length > 0) {
      warnings.push(`target needs model ${name} for ${model}: written to ${holders.join(', ')} at 100 % (modelVariables); code that names ${model} itself must send ${name}`);
    } else if (direct) {
      errors.push(
        `target needs model ${name} for ${model}, and no variable in environments.${environment}.modelVariables holds ${model} in the env files: list the variable that names the model, or make the app send ${name} and pass --force`,
      );
    } else if (envConfig.traffic.driver === 'nginx' && envConfig.traffic.gateway) {
      // The gateway renames it (njs) in every target-bound request, at 100 % too.
    } else if (envConfig.traffic.driver === 'nginx') {
      warnings.push(
        `target needs model ${name} for ${model}: nginx renames it below 100 %, but the cut-over at 100 % points the app at target directly, so the app must send ${name} from then on (or list its model variable in environments.${environment}.modelVariables)`,
      );
    } else {
      warnings.push(
        `target needs model ${name} for ${model}: the ${envConfig.traffic.driver} driver does not rename models, so the app must send ${name} (or list its model variable in environments.${environment}.modelVariables)`,
      );
    }
  }
  return { errors, warnings };
}
