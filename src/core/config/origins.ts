// Where each provider's key and base URL came from, so `config` and `check` can say it (never the
// value) and the loader can warn about, and rollback can work around, files the tool rewrites.
import path from 'node:path';
import type { DotenvVars } from './dotenv.js';
import type { VariableUse } from './interpolate.js';
import type { Config } from './schema.js';
import { formatPath, type KeyPath } from './source.js';

/** The migrate-only dotenv file beside the config: read first, never rewritten by any environment. */
export const MIGRATE_DOTENV = '.env.migrate';

export interface VariableOrigin {
  name: string;
  /** Absolute path of the dotenv file it was read from; undefined: the process environment (or unset). */
  file?: string;
  /** Environments whose envFiles include that file: the ramp writes it, rollback restores it. */
  rewrittenBy: string[];
}

export interface SettingOrigin {
  /** providers.<role>.apiKey | baseUrl, or the same under nodes.<i>. */
  path: KeyPath;
  /** Empty when the value is written in the config itself. */
  variables: VariableOrigin[];
}

const SETTINGS = new Set(['apiKey', 'baseUrl']);

/** Every provider apiKey/baseUrl in the config, with the variables it reads and where each came from. */
export function providerOrigins(config: Config, uses: VariableUse[], dotenv: DotenvVars, env: NodeJS.ProcessEnv, dir: string): SettingOrigin[] {
  const rewriters = rewrittenFiles(config, dir);
  const settings: KeyPath[] = [];
  for (const role of ['legacy', 'target'] as const) {
    const provider = config.providers[role];
    settings.push(['providers', role, 'baseUrl'], ['providers', role, 'apiKey']);
    provider.nodes.forEach((node, i) => {
      settings.push(['providers', role, 'nodes', i, 'baseUrl']);
      if (node.apiKey !== undefined) settings.push(['providers', role, 'nodes', i, 'apiKey']);
    });
  }
  return settings.map((keyPath) => ({
    path: keyPath,
    variables: uses
      .filter((u) => samePath(u.path, keyPath))
      .map((u) => {
        const file = env[u.name] === undefined ? dotenv.origin[u.name] : undefined;
        return { name: u.name, file, rewrittenBy: file ? (rewriters.get(file) ?? []) : [] };
      }),
  }));
}

/** `${OPENAI_API_KEY} from .env.migrate`: where, never what. */
export function describeOrigin(origin: SettingOrigin, dir: string, configName: string): string {
  if (origin.variables.length === 0) return `written in ${configName}`;
  return origin.variables
    .map((v) => {
      if (!v.file) return `\${${v.name}} from the process environment`;
      const where = `\${${v.name}} from ${relative(dir, v.file)}`;
      return v.rewrittenBy.length ? `${where}, which environment ${v.rewrittenBy.join(', ')} rewrites (move it to ${MIGRATE_DOTENV})` : where;
    })
    .join(', ');
}

/** One line per setting, for `migrate config` and `migrate check`. */
export function originLines(origins: SettingOrigin[], dir: string, configName: string): string[] {
  return origins.map((o) => `${formatPath(o.path)}: ${describeOrigin(o, dir, configName)}`);
}

/** The same as a `{ "providers.legacy.apiKey": "${X} from .env.migrate" }` map, for `--json`. */
export function originRecord(origins: SettingOrigin[], dir: string, configName: string): Record<string, string> {
  return Object.fromEntries(origins.map((o) => [formatPath(o.path), describeOrigin(o, dir, configName)]));
}

/** Absolute env file → the environments that list it. */
export function rewrittenFiles(config: Config, dir: string): Map<string, string[]> {
  const files = new Map<string, string[]>();
  for (const [name, env] of Object.entries(config.environments)) {
    for (const file of env.envFiles) {
      const absolute = path.resolve(dir, file);
      files.set(absolute, [...(files.get(absolute) ?? []), name]);
    }
  }
  return files;
}

function relative(dir: string, file: string): string {
  const rel = path.relative(dir, file);
  return rel && !rel.startsWith('..') ? rel : file;
}

function samePath(a: KeyPath, b: KeyPath): boolean {
  return a.length === b.length && a.every((k, i) => k === b[i]) && SETTINGS.has(String(a[a.length - 1]));
}
