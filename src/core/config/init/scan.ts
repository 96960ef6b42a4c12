import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { parse as parseYaml } from 'yaml';

/** An env file the app reads, and the OpenAI-style settings found in it (names and non-secret values). */
export interface FoundEnvFile {
  file: string;
  /** Variable name -> value, for the settings init cares about. Keys' values are never kept. */
  baseUrls: Record<string, string>;
  apiKeys: string[];
  models: string[];
}

export interface FoundComposeFile {
  file: string;
  services: { name: string; envFiles: string[] }[];
}

export interface ProjectScan {
  envFiles: FoundEnvFile[];
  composeFiles: FoundComposeFile[];
}

const IGNORED_ENV_SUFFIX = /\.(example|sample|template|dist|bak|orig|backup|old|tmp|swp)$|~$/i;
const COMPOSE_FILE = /^(docker-)?compose(\.[\w.-]+)?\.ya?ml$/;
const BASE_URL = /^(OPENAI_BASE_URL|OPENAI_API_BASE|\w+_BASE_URL|\w+_API_BASE)$/;
const API_KEY = /^\w*API_KEY$/;
const MODEL = /(^|_)MODEL(_NAME)?$/;

/** Read-only look at `dir`: env files and compose files, as init needs them. */
export async function scanProject(dir: string): Promise<ProjectScan> {
  const names = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name).sort();
  const envNames = names.filter((n) => (n === '.env' || n.startsWith('.env.')) && !IGNORED_ENV_SUFFIX.test(n));
  const composeNames = names.filter((n) => COMPOSE_FILE.test(n));
  return {
    envFiles: await Promise.all(envNames.map(async (n) => readEnvFile(n, await readFile(path.join(dir, n), 'utf8')))),
    composeFiles: await Promise.all(composeNames.map(async (n) => readComposeFile(n, await readFile(path.join(dir, n), 'utf8')))),
  };
}

export function readEnvFile(file: string, text: string): FoundEnvFile {
  const found: FoundEnvFile = { file, baseUrls: {}, apiKeys: [], models: [] };
  for (const [name, value] of Object.entries(parseDotenv(text))) {
    if (BASE_URL.test(name)) found.baseUrls[name] = value;
    else if (API_KEY.test(name)) found.apiKeys.push(name);
    else if (MODEL.test(name) && /^[\w.:/-]+$/.test(value)) found.models.push(value);
  }
  return found;
}

/** Services and the env files each names; a file that is not valid YAML counts as having none. */
export function readComposeFile(file: string, text: string): FoundComposeFile {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch {
    return { file, services: [] };
  }
  const services = (doc as { services?: unknown } | null)?.services;
  if (!services || typeof services !== 'object') return { file, services: [] };
  return {
    file,
    services: Object.entries(services as Record<string, { env_file?: unknown } | null>).map(([name, service]) => ({
      name,
      envFiles: envFileEntries(service?.env_file).map((f) => path.posix.normalize(f)),
    })),
  };
}

// env_file: ".env" | [".env.canary"] | [{ path: ".env.canary", required: false }]
export function envFileEntries(value: unknown): string[] {
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list
    .map((entry) => (typeof entry === 'string' ? entry : (entry as { path?: unknown } | null)?.path))
    .filter((entry): entry is string => typeof entry === 'string');
}
