import path from 'node:path';
import { readDotenvFiles } from '../dotenv.js';
import type { InitPlan } from './plan.js';

/** Variables the written config references that are set nowhere yet: the user's next step. */
export async function unsetVariables(plan: InitPlan, dir: string, env: NodeJS.ProcessEnv): Promise<string[]> {
  const refs = [plan.legacy.baseUrl, plan.legacy.apiKey, plan.target.baseUrl, plan.target.apiKey];
  const names = [...new Set(refs.flatMap((ref) => [...ref.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]!)))];
  const files = [path.join(dir, '.env'), ...plan.environments.map((e) => path.join(dir, e.envFile))];
  const { vars } = await readDotenvFiles(files);
  return names.filter((name) => env[name] === undefined && vars[name] === undefined);
}
