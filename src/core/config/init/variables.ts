import path from 'node:path';
import { readDotenvFiles } from '../dotenv.js';
import { MIGRATE_ENV } from './migrate-env.js';
import type { InitPlan } from './plan.js';

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
