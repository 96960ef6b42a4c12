import { composeExec } from '../compose/commands.js';
import type { ComposeProject } from '../compose/project.js';
import type { Runner } from '../exec/command.js';
import { loadedWeights } from '../traffic/nginx-loaded.js';
import { GATEWAY_SERVICE, NGINX_ARGS } from './layout.js';

/** The split the gateway's nginx holds now (`nginx -T` in its container); undefined when it cannot be read. */
export async function gatewayWeight(project: ComposeProject, environment: string, run: Runner): Promise<{ weight?: number; error?: string }> {
  const result = await run({ ...composeExec(project, GATEWAY_SERVICE, ['nginx', ...NGINX_ARGS, '-T'], 'read'), timeoutMs: 30_000 }).catch((err: Error) => ({
    exitCode: -1,
    stdout: '',
    stderr: err.message,
  }));
  if (result.exitCode !== 0) return { error: result.stderr.trim().split('\n').pop() || `exit code ${result.exitCode}` };
  const weights = [...new Set(loadedWeights(result.stdout, environment))];
  return weights.length === 1 ? { weight: weights[0] } : { error: weights.length === 0 ? 'nginx does not load the include' : `several splits: ${weights.join(', ')}` };
}
