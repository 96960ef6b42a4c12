import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Node } from 'yaml';
import { yaml } from '../../lazy-yaml.js';
import { assignments } from '../../envfile/document.js';
import { parse as parseEnv } from '../../envfile/parse.js';
import { EnvFileError } from '../../envfile/errors.js';
import { readEnvText } from '../../envfile/guard.js';
import { unreadable } from '../problems.js';

/** One variable as written in an env file or a compose `environment:` entry. */
export interface FoundVariable {
  name: string;
  /** Held in memory only to copy the legacy settings into .env.migrate; never printed. */
  value: string;
  file: string;
  line: number;
}

/** An env file the app reads, every variable in it with its line. */
export interface FoundEnvFile {
  file: string;
  variables: FoundVariable[];
}

export interface FoundService {
  name: string;
  line: number;
  envFiles: string[];
  /** `environment:` entries: a literal value, or `${VAR}` references compose fills from `.env`. */
  environment: (FoundVariable & { refs: string[] })[];
  /** Host paths (relative to the compose file) of single-file bind mounts, e.g. `./.env:/app/.env`. */
  mounts: string[];
  /** `image:` as written, if any. */
  image?: string;
}

export interface FoundComposeFile {
  file: string;
  services: FoundService[];
}

export interface ProjectScan {
  envFiles: FoundEnvFile[];
  composeFiles: FoundComposeFile[];
}

const IGNORED_ENV_SUFFIX = /\.(example|sample|template|dist|bak|orig|backup|old|tmp|swp)$|~$/i;
const COMPOSE_FILE = /^(docker-)?compose(\.[\w.-]+)?\.ya?ml$/;
/** migrate's own settings: never an app's env file. */
const MIGRATE_ENV = '.env.migrate';

/** Read-only look at `dir`: env files and compose files, as init needs them. */
export async function scanProject(dir: string): Promise<ProjectScan> {
  const entries = await readdir(dir, { withFileTypes: true }).catch((err: unknown) => Promise.reject(unreadable(dir, 'project directory', err)));
  const names = entries
    .filter((e) => e.isFile())
    .map((e) => e.name)
    .sort();
  const envNames = names.filter((n) => (n === '.env' || n.startsWith('.env.')) && n !== MIGRATE_ENV && !IGNORED_ENV_SUFFIX.test(n));
  const composeNames = names.filter((n) => COMPOSE_FILE.test(n));
  return {
    envFiles: await Promise.all(envNames.map(async (n) => readEnvFile(n, await scanEnvText(path.join(dir, n))))),
    composeFiles: await Promise.all(
      composeNames.map(async (n) =>
        readComposeFile(n, await readFile(path.join(dir, n), 'utf8').catch((err: unknown) => Promise.reject(unreadable(path.join(dir, n), 'compose file', err)))),
      ),
    ),
  };
}

/**
 * Every `.env*` file is read, so a binary or huge one (a dump named `.env.db`) is refused by its
 * size and bytes before it is read whole, naming it (exit 2), as every other command does.
 */
async function scanEnvText(file: string): Promise<string> {
  try {
    return await readEnvText(file);
  } catch (err) {
    if (err instanceof EnvFileError) {
      throw new EnvFileError(err.message, { hint: 'init reads every .env* file in the directory: move this one aside (or give it a .bak suffix), then run init again' });
    }
    throw unreadable(file, 'env file', err);
  }
}

export function readEnvFile(file: string, text: string): FoundEnvFile {
  // The last assignment of a name is the one dotenv (and compose) use.
  const byName = new Map<string, FoundVariable>();
  for (const a of assignments(parseEnv(text))) byName.set(a.key, { name: a.key, value: a.value, file, line: a.line });
  return { file, variables: [...byName.values()].sort((a, b) => a.line - b.line) };
}

/** Services with what they read; a file that is not valid YAML counts as having none. */
export function readComposeFile(file: string, text: string): FoundComposeFile {
  const { LineCounter, isMap, isPair, isScalar, parseDocument } = yaml();
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter });
  if (doc.errors.length > 0) return { file, services: [] };
  const lineOf = (node: unknown) => ((node as Node | null)?.range ? counter.linePos((node as Node).range![0]).line : 1);
  const services = isMap(doc.contents) ? doc.contents.get('services', true) : undefined;
  if (!isMap(services)) return { file, services: [] };
  return {
    file,
    services: services.items.filter(isPair).map((pair) => {
      const body = isMap(pair.value) ? pair.value : undefined;
      const plain = (body?.toJSON() ?? {}) as { env_file?: unknown; volumes?: unknown; image?: unknown };
      return {
        name: String(isScalar(pair.key) ? pair.key.value : pair.key),
        line: lineOf(pair.key),
        envFiles: envFileEntries(plain.env_file).map((f) => path.posix.normalize(f)),
        environment: environmentEntries(file, body?.get('environment', true), lineOf),
        mounts: bindMounts(plain.volumes),
        image: typeof plain.image === 'string' ? plain.image : undefined,
      };
    }),
  };
}

// environment: [ "A=1", "B=${B-}" ] | { A: 1, B: "${B}" }
function environmentEntries(file: string, node: unknown, lineOf: (node: unknown) => number): FoundService['environment'] {
  const { isMap, isNode, isScalar, isSeq } = yaml();
  const entries: FoundService['environment'] = [];
  const add = (name: string, value: string, at: unknown) => {
    const refs = [...value.matchAll(/\$\{(\w+)[^}]*\}|\$(\w+)/g)].map((m) => (m[1] ?? m[2])!);
    entries.push({ name, value, file, line: lineOf(at), refs });
  };
  if (isSeq(node)) {
    for (const item of node.items) {
      if (!isScalar(item)) continue;
      const text = String(item.value);
      const eq = text.indexOf('=');
      // `- NAME` alone passes the variable through from the shell running compose.
      add(eq < 0 ? text : text.slice(0, eq), eq < 0 ? `\${${text}}` : text.slice(eq + 1), item);
    }
  } else if (isMap(node)) {
    for (const pair of node.items) {
      if (!isScalar(pair.key)) continue;
      const value = isScalar(pair.value) ? pair.value.value : pair.value;
      // A null value (`KEY:`) passes the variable through from the shell running compose, as `- KEY` does.
      const text = isNode(value) ? value.toString() : typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
      add(String(pair.key.value), text ?? `\${${String(pair.key.value)}}`, pair.key);
    }
  }
  return entries;
}

// volumes: [ "./.env:/app/.env" ] | [ { type: bind, source: ./.env, target: /app/.env } ]
function bindMounts(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value
    .map((v) => (typeof v === 'string' ? v.split(':')[0] : (v as { type?: unknown; source?: unknown } | null)?.type === 'bind' ? (v as { source?: unknown }).source : undefined))
    .filter((v): v is string => typeof v === 'string' && /^\.{0,2}\//.test(v))
    .map((v) => path.posix.normalize(v));
}

// env_file: ".env" | [".env.canary"] | [{ path: ".env.canary", required: false }]
export function envFileEntries(value: unknown): string[] {
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.map((entry) => (typeof entry === 'string' ? entry : (entry as { path?: unknown } | null)?.path)).filter((entry): entry is string => typeof entry === 'string');
}
