import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse, print } from '../../envfile/parse.js';
import { setKeys } from '../../envfile/edit.js';
import { writeFileAtomic } from '../../fs/atomic.js';
import { writeNewPrivateFile } from '../../fs/private.js';
import { readDotenvFiles } from '../dotenv.js';
import type { InitPlan } from './plan.js';

/**
 * `.env.migrate`: migrate's own dotenv file beside migrate.yaml. It holds the legacy provider's
 * settings copied from the app before any cut-over rewrites the app's env files (so a rollback
 * still reaches legacy), and the target's. No container reads it.
 */
export const MIGRATE_ENV = '.env.migrate';

export function renderMigrateEnv(plan: InitPlan): string {
  const from = plan.chosen?.key ? `${plan.chosen.key.name} in ${plan.chosen.key.file}:${plan.chosen.key.line}` : 'nowhere (no key was found: fill it in)';
  const header = [
    '# Written by `migrate init`: the providers migrate talks to. Read by migrate only, never by the app.',
    '# Keep it private (mode 0600) and out of git and images: it holds API keys.',
    `# The legacy key, copied from ${from}, so a rollback still has it after the cut-over.`,
  ];
  const note = plan.target.guessed
    ? '# The new provider: uncomment these two lines and fill them in.'
    : `# The new provider, ${plan.target.note?.replace(/^from \.env\.migrate: /, '') ?? ''}.`;
  const { LEGACY_BASE_URL, LEGACY_API_KEY, TARGET_BASE_URL, TARGET_API_KEY } = plan.migrateEnv;
  return [
    ...header,
    assignment('LEGACY_BASE_URL', LEGACY_BASE_URL, 'https://api.openai.com/v1'),
    assignment('LEGACY_API_KEY', LEGACY_API_KEY, 'sk-…'),
    '',
    note,
    assignment('TARGET_BASE_URL', TARGET_BASE_URL, 'https://relay.example/v1'),
    assignment('TARGET_API_KEY', TARGET_API_KEY, 'sk-…'),
    '',
  ].join('\n');
}

/**
 * A value init does not know is written as a commented example, never as `NAME=`: an empty value
 * counts as set, so it would hide the same variable set in the environment or in `.env`.
 */
function assignment(name: string, value: string, example: string): string {
  return value === '' ? `# ${name}=${example}` : print(setKeys(parse(''), { [name]: value })).trimEnd();
}

/**
 * Create .env.migrate (0600, never over an existing one: after a cut-over the app's files name the
 * target, so copying again would make "legacy" the target). Returns false when it was kept.
 */
export async function writeMigrateEnv(dir: string, text: string): Promise<boolean> {
  try {
    await writeNewPrivateFile(path.join(dir, MIGRATE_ENV), text);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

/** Adds `.env.migrate` to .gitignore and .dockerignore where they exist; returns the files changed. */
export async function ignoreMigrateEnv(dir: string): Promise<string[]> {
  const changed: string[] = [];
  for (const name of ['.gitignore', '.dockerignore']) {
    const file = path.join(dir, name);
    const text = await readFile(file, 'utf8').catch(() => undefined);
    if (text === undefined || ignores(text)) continue;
    const eol = text.includes('\r\n') ? '\r\n' : '\n';
    const sep = text === '' || text.endsWith('\n') ? '' : eol;
    await writeFileAtomic(file, `${text}${sep}${MIGRATE_ENV}${eol}`);
    changed.push(name);
  }
  return changed;
}

function ignores(text: string): boolean {
  return text.split(/\r?\n/).some((line) => ['.env.migrate', '/.env.migrate', '.env*', '.env.*', '*.migrate', '/.env*', '/.env.*'].includes(line.trim()));
}

/**
 * Variables the written config references that are set nowhere yet, or set empty (the target's
 * are commented out in .env.migrate until filled in): the user's next step. `pending` is what .env.migrate would hold
 * when it has not been written (--dry-run).
 */
export async function unsetVariables(plan: InitPlan, dir: string, env: NodeJS.ProcessEnv, pending: Record<string, string> = {}): Promise<string[]> {
  const refs = [plan.legacy.baseUrl, plan.legacy.apiKey, plan.target.baseUrl, plan.target.apiKey];
  const names = [...new Set(refs.flatMap((ref) => [...ref.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]!)))];
  const files = [path.join(dir, MIGRATE_ENV), path.join(dir, '.env'), ...plan.environments.map((e) => path.join(dir, e.envFile))];
  const { vars } = await readDotenvFiles(files);
  const lookup = (name: string) => env[name] ?? vars[name] ?? pending[name];
  return names.filter((name) => !lookup(name));
}
