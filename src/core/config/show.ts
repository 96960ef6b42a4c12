import { stringify } from 'yaml';
import { Redactor } from '../redact.js';
import type { LoadedConfig } from './load.js';
import { originLines } from './origins.js';
import type { Config } from './schema.js';

/**
 * The resolved config (defaults filled in, variables interpolated) with every secret redacted,
 * optionally narrowed to one environment. This is what `migrate config` prints.
 */
export function redactedConfig(loaded: LoadedConfig, environment?: string): Config {
  const config = environment ? { ...loaded.config, environments: { [environment]: loaded.config.environments[environment]! } } : loaded.config;
  return new Redactor(loaded.secrets).value(config);
}

export function configAsYaml(loaded: LoadedConfig, config: Config): string {
  // Where each key and base URL came from, as comments: the output stays YAML a person can reuse.
  const origins = originLines(loaded.origins, loaded.dir, loaded.name)
    .map((line) => `#   ${line}\n`)
    .join('');
  return `# ${loaded.name}, resolved: defaults filled in, durations in ms, secrets redacted\n# where the provider settings came from:\n${origins}${stringify(config, { lineWidth: 0 })}`;
}
