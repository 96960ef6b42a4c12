import { stringify } from 'yaml';
import { Redactor } from '../redact.js';
import type { LoadedConfig } from './load.js';
import type { Config } from './schema.js';

/**
 * The resolved config (defaults filled in, variables interpolated) with every secret redacted,
 * optionally narrowed to one environment. This is what `migrate config` prints.
 */
export function redactedConfig(loaded: LoadedConfig, environment?: string): Config {
  const config = environment
    ? { ...loaded.config, environments: { [environment]: loaded.config.environments[environment]! } }
    : loaded.config;
  return new Redactor(loaded.secrets).value(config);
}

export function configAsYaml(loaded: LoadedConfig, config: Config): string {
  return `# ${loaded.name}, resolved: defaults filled in, durations in ms, secrets redacted\n${stringify(config, { lineWidth: 0 })}`;
}
