import type { LoadedConfig } from '../config/load.js';
import type { EnvironmentConfig } from '../config/schema.js';
import type { Runner } from '../exec/command.js';
import { environmentAppView } from './environment.js';
import type { ContainerFact } from './judge.js';
import type { PairRole } from './pairs.js';
import { containerLine } from './render.js';

/** Where one service's containers point now, for `status` and `check`. */
export interface ServicePointing {
  service: string;
  /** One provider, mixed, unknown; `split` when its containers disagree; `none` without a container or provider variables. */
  pointsAt: PairRole | 'split' | 'none';
  containers: ContainerFact[];
}

/** Undefined without a compose section. Probing (check) sends models + one chat per distinct pair. */
export async function servicesPointing(o: {
  loaded: LoadedConfig;
  envConfig: EnvironmentConfig;
  run: Runner;
  processEnv: NodeJS.ProcessEnv;
  probe: boolean;
  signal?: AbortSignal;
}): Promise<ServicePointing[] | undefined> {
  const view = await environmentAppView({ ...o, expected: { step: 'now' } });
  if (!view) return undefined;
  // view.missing: services judged (listed, or derived from the compose model) that have no container.
  const services = [...new Set([...(o.envConfig.compose!.services ?? []), ...view.containers.map((c) => c.service), ...view.missing])];
  return services.map((service) => {
    const containers = view.containers.filter((c) => c.service === service);
    return { service, pointsAt: pointsAtOf(containers), containers };
  });
}

function pointsAtOf(containers: ContainerFact[]): ServicePointing['pointsAt'] {
  const roles = new Set(containers.flatMap((c) => c.pairs.map((p) => p.role)));
  if (roles.size === 0) return 'none';
  return roles.size === 1 ? [...roles][0]! : 'split';
}

/** A service is healthy when no container holds a mixed pair, fails to read a mount, or fails its probe. */
export function pointingOk(list: ServicePointing[]): boolean {
  return list.every((s) => s.containers.every((c) => c.ok && c.pairs.every((p) => p.role !== 'mixed')));
}

/** `app → target` and one line per container under it. */
export function pointingLines(list: ServicePointing[]): string[] {
  const lines: string[] = [];
  for (const s of list) {
    lines.push(`  ${s.service} → ${s.pointsAt}${s.containers.length === 0 ? ' (no container)' : ''}`);
    for (const c of s.containers) lines.push(`    ${containerLine(c)}`);
  }
  return lines;
}
