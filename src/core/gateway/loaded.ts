import type { ComposeProject } from '../compose/project.js';
import type { Runner } from '../exec/command.js';
import { execIn, runningContainer } from '../traffic/nginx-container.js';
import { loadedWeights } from '../traffic/nginx-loaded.js';
import { GATEWAY_SERVICE, NGINX_ARGS } from './layout.js';

/**
 * The split the gateway's nginx holds now (`nginx -T` in its running container, as the nginx
 * driver reads it); undefined, with the reason, when no container runs or nginx cannot say.
 */
export async function gatewayWeight(project: ComposeProject, environment: string, run: Runner): Promise<{ weight?: number; error?: string }> {
  const container = await runningContainer(project, GATEWAY_SERVICE, run);
  if (!container) return { error: `no running ${GATEWAY_SERVICE} container` };
  const result = await run(execIn(container, ['nginx', ...NGINX_ARGS, '-T'], 'read')).catch((err: Error) => ({ exitCode: -1, stdout: '', stderr: err.message }));
  if (result.exitCode !== 0) return { error: result.stderr.trim().split('\n').pop() || `exit code ${result.exitCode}` };
  const weights = [...new Set(loadedWeights(result.stdout, environment))];
  return weights.length === 1 ? { weight: weights[0] } : { error: weights.length === 0 ? 'nginx does not load the include' : `several splits: ${weights.join(', ')}` };
}
