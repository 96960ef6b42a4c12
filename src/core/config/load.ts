import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { redactText } from '../redact.js';
import { crossChecks } from './checks.js';
import { cleanWrittenValues } from './clean.js';
import { readDotenvFiles, type DotenvVars } from './dotenv.js';
import { MIGRATE_DOTENV, providerOrigins, type SettingOrigin } from './origins.js';
import { findConfigFile } from './find.js';
import { formatIssues } from './issues.js';
import { coerceInterpolated, interpolateData, interpolateString, type DataResult } from './interpolate.js';
import { problems, unreadable } from './problems.js';
import { configSchema, type Config } from './schema.js';
import { collectSecrets } from './secrets.js';
import { rememberSecrets } from '../known-secrets.js';
import { formatPath, parseYamlSource, type KeyPath, type YamlSource } from './source.js';
import { configWarnings } from './warnings.js';

export interface LoadOptions {
  cwd: string;
  processEnv: NodeJS.ProcessEnv;
  /** The --config flag. */
  configPath?: string;
  /**
   * The environment being acted on (--env; default $MIGRATE_ENV): its envFiles are read before the
   * other environments', so ${OPENAI_API_KEY} resolves from that environment's own files first.
   */
  environment?: string;
  /**
   * Unset variables at these key paths are warnings, not errors. Rollback, backup and status
   * pass `targetOnly` so they still run in the incident where the target's secrets are gone.
   */
  tolerateMissing?: (path: KeyPath) => boolean;
}

/** The target provider's settings and the cut-over values: what a rollback never needs. */
export function targetOnly(path: KeyPath): boolean {
  return (path[0] === 'providers' && path[1] === 'target') || (path[0] === 'environments' && path[2] === 'cutover');
}

export interface LoadedConfig {
  config: Config;
  /** Absolute path of the config file. */
  file: string;
  /** Its directory: relative paths inside the config are resolved against it. */
  dir: string;
  /** The file as error lines name it (relative to cwd when inside it). */
  name: string;
  /** Every secret value in the config (API keys, secret cut-over values, auth headers): redact these. */
  secrets: string[];
  warnings: string[];
  /** $MIGRATE_ENV, the environment used when --env is not given. */
  defaultEnvironment?: string;
  /** `migrate.yaml:14` for a key path, for errors found later by commands. */
  at: (path: KeyPath) => string;
  /** Where each provider apiKey and baseUrl came from (names and files, never values). */
  origins: SettingOrigin[];
  /** What the values were resolved from, so a rollback can resolve legacy again from its backup (see rebase.ts). */
  resolution: Resolution;
}

export interface Resolution {
  source: YamlSource;
  processEnv: NodeJS.ProcessEnv;
  dotenv: DotenvVars;
}

const FIX_HINT = 'fix the lines above, then run `migrate config` to check the file';

/** Find, read, interpolate and validate the config; every problem is reported at once (exit 2). */
export async function loadConfig(opts: LoadOptions): Promise<LoadedConfig> {
  const file = await findConfigFile(opts);
  const dir = path.dirname(file);
  const text = await readFile(file, 'utf8').catch((err: unknown) => {
    throw unreadable(file, 'config file', err);
  });
  const source = parseYamlSource(text, file, { cwd: opts.cwd });
  if (source.data === null || source.data === undefined) {
    throw problems(source.name, [`${source.name}:1 the file is empty`], 'run `migrate init` to write a starting config');
  }
  const focus = opts.environment ?? (opts.processEnv.MIGRATE_ENV || undefined);
  const dotenv = await readDotenvFiles(dotenvFiles(source, dir, opts.processEnv, focus));
  const lookup = (name: string) => opts.processEnv[name] ?? dotenv.vars[name];
  const hint = `set it in the environment or in ${path.join(path.relative(opts.cwd, dir) || '.', MIGRATE_DOTENV).replace(/^\.\//, '')}`;
  const interpolated = interpolateData(source, lookup, hint, opts.tolerateMissing);
  // Unresolved references stay as written (`${X}`) and are not secrets: keep them readable.
  const inputSecrets = collectSecrets(interpolated.data).filter((s) => !s.includes('${'));
  rememberSecrets(inputSecrets);
  const redact = (lines: string[]) => lines.map((line) => redactText(line, inputSecrets));

  const whereSet = (name: string) => (opts.processEnv[name] !== undefined ? 'the process environment' : path.relative(opts.cwd, dotenv.origin[name] ?? '') || dotenv.origin[name]);
  const cleaned = cleanWrittenValues(
    source,
    validate(source, interpolated, redact, (name) => `\${${name}} is empty in ${whereSet(name)} (${hint})`),
    interpolated.uses,
  );
  if (cleaned.errors.length > 0) throw problems(source.name, redact(cleaned.errors), FIX_HINT);
  const config = cleaned.config;
  // The values as given stay secrets too: whatever echoes them back (padded or not) is redacted.
  const secrets = [...new Set([...collectSecrets(config), ...inputSecrets])].filter((s) => !s.includes('${'));
  rememberSecrets(secrets);
  const origins = providerOrigins(config, interpolated.uses, dotenv, opts.processEnv, dir);
  return {
    config,
    file,
    dir,
    name: source.name,
    secrets,
    warnings: [...dotenv.refused, ...interpolated.warnings, ...cleaned.warnings, ...configWarnings(source, config, origins, dir), ...(await openMigrateDotenv(dir, opts.cwd))].map(
      (w) => redactText(w, secrets),
    ),
    defaultEnvironment: opts.processEnv.MIGRATE_ENV || undefined,
    at: source.at,
    origins,
    resolution: { source, processEnv: opts.processEnv, dotenv },
  };
}

function validate(source: YamlSource, input: DataResult, redact: (lines: string[]) => string[], emptyProblem: (name: string) => string): Config {
  let result = configSchema.safeParse(input.data);
  if (!result.success && coerceInterpolated(result.error.issues, input.data, input.interpolated)) {
    result = configSchema.safeParse(input.data);
  }
  // Every problem at once: unset variables first, then schema errors about other values (an
  // unresolved ${X} would only fail its own key's schema again).
  const same = (a: readonly PropertyKey[], b: readonly PropertyKey[]) => a.length === b.length && a.every((k, i) => k === b[i]);
  const unresolved = (path: PropertyKey[]) => input.errorPaths.some((p) => same(p, path));
  // A value the schema refuses because a variable was set to '' names that variable, not the URL rule.
  const emptied = (path: PropertyKey[]) => input.empties.filter((u) => same(u.path, path));
  const issues = result.success ? [] : result.error.issues.filter((i) => !unresolved(i.path));
  const emptyLines = [...new Set(issues.flatMap((i) => emptied(i.path).map((u) => `${source.at(u.path)} ${formatPath(u.path)}: ${emptyProblem(u.name)}`)))];
  const schemaLines = formatIssues(
    issues.filter((i) => emptied(i.path).length === 0),
    source,
    { schema: configSchema, data: input.data },
  );
  if (input.errors.length > 0 || !result.success) {
    throw problems(source.name, redact([...input.errors, ...emptyLines, ...schemaLines]), FIX_HINT);
  }
  const findings = crossChecks(result.data);
  if (findings.length > 0) {
    const lines = findings.map((f) => `${source.at(f.path)} ${formatPath(f.path)}: ${f.text}`);
    throw problems(source.name, redact(lines), FIX_HINT);
  }
  return result.data;
}

/**
 * `.env.migrate` beside the config first (migrate's own keys, which no environment rewrites), then
 * `.env` beside it, then the focused environment's env files, then every other
 * environment's, in file order. Paths may use ${VAR} from the process environment; ones that
 * cannot be resolved are skipped.
 */
function dotenvFiles(source: YamlSource, dir: string, env: NodeJS.ProcessEnv, focus: string | undefined): string[] {
  const files = [path.join(dir, MIGRATE_DOTENV), path.join(dir, '.env')];
  const environments = (source.data as { environments?: unknown }).environments;
  if (!environments || typeof environments !== 'object') return files;
  const entries = Object.entries(environments as Record<string, unknown>);
  const ordered = [...entries.filter(([name]) => name === focus), ...entries.filter(([name]) => name !== focus)];
  for (const [, environment] of ordered) {
    const envFiles = (environment as { envFiles?: unknown } | null)?.envFiles;
    if (!Array.isArray(envFiles)) continue;
    for (const entry of envFiles) {
      if (typeof entry !== 'string') continue;
      const resolved = interpolateString(entry, (name) => env[name]);
      if (resolved.problems.length === 0) files.push(path.resolve(dir, resolved.value));
    }
  }
  return files;
}

/** `.env.migrate` holds the keys: readable by group or others, it is a leak waiting to happen. */
async function openMigrateDotenv(dir: string, cwd: string): Promise<string[]> {
  const file = path.join(dir, MIGRATE_DOTENV);
  const mode = (await stat(file).catch(() => undefined))?.mode;
  if (mode === undefined || (mode & 0o077) === 0) return [];
  const shown = path.relative(cwd, file) || file;
  return [`${shown} holds API keys and others may read it (mode ${(mode & 0o777).toString(8)}): run \`chmod 600 ${shown}\``];
}
