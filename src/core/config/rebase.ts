// A rollback wants the legacy provider as it was before the ramp. When its key or base URL comes
// from an env file the ramp rewrote, the file on disk now holds the target's values (after a
// cut-over): read those variables from the backup copy about to be restored instead.
import { parse } from 'dotenv';
import { interpolateData } from './interpolate.js';
import { mergeDotenv } from './dotenv.js';
import type { LoadedConfig } from './load.js';
import { providerSchema } from './schema.js';
import { collectSecrets } from './secrets.js';

export interface RestoreCopy {
  absolute: string;
  content: Buffer;
}

export interface Rebased {
  loaded: LoadedConfig;
  /** The variables read from the backup copies (names only). */
  names: string[];
}

/**
 * The config with `providers.legacy` resolved again, its variables that came from a file being
 * restored taken from that file's backup copy (everything else as loaded). Undefined when no
 * legacy variable comes from such a file. Reads nothing: the copies are already verified.
 */
export function legacyFromRestore(loaded: LoadedConfig, copies: readonly RestoreCopy[]): Rebased | { problem: string } | undefined {
  const restored = new Map(copies.map((c) => [c.absolute, c.content]));
  const names = [...new Set(loaded.origins.filter((o) => o.path[1] === 'legacy').flatMap((o) => o.variables.filter((v) => v.file && restored.has(v.file)).map((v) => v.name)))];
  if (names.length === 0) return undefined;
  const { source, processEnv, dotenv } = loaded.resolution;
  const files = dotenv.files.map((f) => {
    const copy = restored.get(f.file);
    return copy ? { file: f.file, vars: parse(copy.toString('utf8')) } : f;
  });
  const vars = mergeDotenv(files).vars;
  const legacyOnly = { ...source, data: { providers: { legacy: (source.data as { providers: { legacy: unknown } }).providers.legacy } } };
  const out = interpolateData(legacyOnly, (name) => processEnv[name] ?? vars[name], 'not set in the backup either');
  const parsed = providerSchema.safeParse((out.data as { providers: { legacy: unknown } }).providers.legacy);
  if (out.errors.length > 0 || !parsed.success) {
    return { problem: out.errors[0] ?? `providers.legacy from the backup's ${names.join(', ')} is not valid: ${parsed.error?.issues[0]?.message ?? ''}` };
  }
  const legacy = parsed.data;
  const config = { ...loaded.config, providers: { ...loaded.config.providers, legacy } };
  const secrets = [...new Set([...loaded.secrets, ...collectSecrets({ providers: { legacy } })])].sort((a, b) => b.length - a.length);
  return { loaded: { ...loaded, config, secrets }, names };
}
