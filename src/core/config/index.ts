// The config loader's public API: load → interpolate → validate, with file:line errors.
export { loadConfig, targetOnly, type LoadedConfig, type LoadOptions } from './load.js';
export { resolveEnvironment, resolveConfigPath, type ResolvedEnvironment } from './environment.js';
export { findConfigFile, existingConfigFile, CONFIG_NAMES } from './find.js';
export { parseYamlSource, displayName, formatPath, type YamlSource, type KeyPath } from './source.js';
export { formatIssues, valueAt, type FormatOptions } from './issues.js';
export { problems } from './problems.js';
export { interpolateString, interpolateData, type Lookup } from './interpolate.js';
export { readDotenvFiles, type DotenvVars } from './dotenv.js';
export { collectSecrets, looksSecret } from './secrets.js';
export { suggest, didYouMean, editDistance } from './suggest.js';
export { buildJsonSchema } from './json-schema.js';
export * from './schema.js';
export { effectiveRamp } from './ramp.js';
