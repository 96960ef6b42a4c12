import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';
import { readYamlFast } from './config/fast-yaml.js';

let loaded: typeof Yaml | undefined;

/**
 * The `yaml` package, loaded on first use: 117 kB that a command which goes well never needs (its
 * plain files are read by js-yaml, see config/fast-yaml.ts; yaml is for file:line errors, anchors
 * and writing YAML). A created require, not import(): callers are synchronous, and the bundle
 * leaves it alone, so it loads the package's own CommonJS build only when called.
 */
export function yaml(): typeof Yaml {
  return (loaded ??= createRequire(import.meta.url)('yaml') as typeof Yaml);
}

/** Plain data from YAML text (merge keys on): the quick read when it accepts the text, else yaml's, which throws on a syntax error. */
export function readYamlData(text: string): unknown {
  const quick = readYamlFast(text);
  return quick ? quick.data : yaml().parse(text, { merge: true });
}
