import { setTimeout as sleep } from 'node:timers/promises';
import { readContainerViews } from '../appview/read.js';
import type { ComposeProject } from '../compose/project.js';
import type { Runner } from '../exec/command.js';

// The two proofs of a gateway step: a request through the gateway answers from the provider the
// split says, and the app's containers hold the base URL the step wrote.

/** Which provider answered a request through the gateway (its X-Migrate-Provider), polling while nginx starts. */
export async function providerThroughGateway(baseUrl: string, opts: { timeoutMs: number; signal?: AbortSignal }): Promise<{ provider?: string; status?: number; error?: string }> {
  const until = Date.now() + opts.timeoutMs;
  let last: { provider?: string; status?: number; error?: string };
  for (;;) {
    try {
      // Any key: the gateway replaces Authorization with the provider's own.
      const res = await fetch(`${baseUrl}/models`, { headers: { authorization: 'Bearer migrate-gateway-check' }, signal: AbortSignal.timeout(5000) });
      await res.arrayBuffer();
      last = { provider: res.headers.get('x-migrate-provider') ?? undefined, status: res.status };
      if (res.status === 200) return last;
    } catch (err) {
      last = { error: (err as Error & { cause?: { code?: string } }).cause?.code ?? (err as Error).message };
    }
    if (Date.now() > until || opts.signal?.aborted) return last;
    await sleep(250);
  }
}

/** Containers of `services` whose URL variables do not hold what `expected` says: one line each, URLs only. */
export async function containersNotAt(o: { project: ComposeProject; services: string[]; envFiles: string[]; expected: Record<string, string>; run: Runner }): Promise<string[]> {
  const views = await readContainerViews(o.project, o.services, o.envFiles, o.run);
  const problems: string[] = [];
  for (const service of o.services) if (!views.some((v) => v.service === service)) problems.push(`${service}: no container`);
  for (const view of views) {
    for (const [name, expected] of Object.entries(o.expected)) {
      const value = view.values[name];
      if (value !== expected) problems.push(`${view.service} (${view.id.slice(0, 12)}): ${name} is ${value === undefined ? 'not set' : value}, expected ${expected}`);
    }
  }
  return problems;
}
