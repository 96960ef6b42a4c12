import path from 'node:path';
import type { Context } from '../../context.js';
import { UsageError } from '../../errors.js';
import { serviceContainers } from '../../core/compose/containers.js';
import { loadEnvironmentCompose } from '../../core/compose/environment.js';
import { loadConfig, targetOnly } from '../../core/config/load.js';
import { resolveEnvironment } from '../../core/config/environment.js';
import { createRunner } from '../../core/exec/run.js';
import { countByProvider } from '../../core/gateway/access-log.js';
import { GATEWAY_SERVICE } from '../../core/gateway/layout.js';
import { gatewayWeight } from '../../core/gateway/loaded.js';
import { nodeMap, type NodeCounts } from '../../core/gateway/traffic-stats.js';

/** `migrate gateway status --env E [--json]`: the container, the split nginx holds, requests per provider and node so far. */
export async function runStatus(ctx: Context): Promise<number> {
  const loaded = await loadConfig({ cwd: ctx.cwd, processEnv: ctx.processEnv, configPath: ctx.global.config, environment: ctx.global.env, tolerateMissing: targetOnly });
  const { name: environment, envConfig } = resolveEnvironment(loaded, ctx.global.env);
  const traffic = envConfig.traffic;
  if (traffic.driver !== 'nginx' || !traffic.gateway || !envConfig.compose) {
    throw new UsageError(`${environment} has no gateway`, { hint: `set one up with \`migrate gateway setup --env ${environment}\`` });
  }
  const run = createRunner({ processEnv: ctx.processEnv, signal: ctx.signal });
  const { project } = await loadEnvironmentCompose(
    { environment, envConfig: { ...envConfig, compose: envConfig.compose }, configDir: loaded.dir, processEnv: ctx.processEnv, at: loaded.at },
    run,
  );
  const containers = await serviceContainers(project, [GATEWAY_SERVICE], run);
  const container = containers.map((c) => c.status).join(', ') || 'no container';
  const held = containers.some((c) => c.status === 'running') ? await gatewayWeight(project, environment, run) : { error: 'not running' };
  const log = traffic.accessLog ? path.resolve(loaded.dir, traffic.accessLog) : undefined;
  const nodes = { legacy: nodeMap('legacy', loaded.config.providers.legacy, environment), target: nodeMap('target', loaded.config.providers.target, environment) };
  const requests = log ? await countByProvider(log, nodes) : undefined;
  if (ctx.out.json) {
    ctx.out.printJson({
      schemaVersion: 1,
      environment,
      service: GATEWAY_SERVICE,
      container,
      weight: held.weight ?? null,
      weightError: held.error ?? null,
      accessLog: log ?? null,
      requests: requests ?? null,
    });
    return 0;
  }
  const lines = [`${environment}: ${GATEWAY_SERVICE} ${container}`, `  nginx holds: ${held.weight === undefined ? `unknown (${held.error})` : `${held.weight}% to target`}`];
  if (!requests) lines.push(`  requests: no access log yet${log ? ` (${log})` : ''}`);
  else for (const [provider, c] of Object.entries(requests).sort()) lines.push(`  ${provider}: ${c.requests} requests, ${c.errors} errors`, ...nodeLines(c.nodes));
  ctx.out.print(lines.join('\n'));
  return 0;
}

/** Per node, when a provider has several or one failed: `    node east: 120 tries, 3 errors (3 failed over)`. */
function nodeLines(nodes: Record<string, NodeCounts>): string[] {
  const entries = Object.entries(nodes);
  if (entries.length < 2 && entries.every(([, n]) => n.errors === 0)) return [];
  return entries.map(([id, n]) => `    node ${id}: ${n.requests} tries, ${n.errors} errors${n.failovers ? ` (${n.failovers} failed over)` : ''}`);
}
