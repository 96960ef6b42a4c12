import path from 'node:path';
import { UsageError } from '../../errors.js';
import type { EnvironmentConfig } from '../config/schema.js';
import { formatPath, type KeyPath } from '../config/source.js';
import { didYouMean } from '../config/issues.js';
import type { Runner } from '../exec/command.js';
import { consumersOf, type EnvChange } from './consumers.js';
import { detectCompose } from './detect.js';
import { type ComposeCli } from './compose-cli.js';
import { loadComposeModel, type ComposeModel } from './model.js';
import { composeProject, type ComposeProject } from './project.js';

/** One environment's compose stack as the configured compose reads it. */
export interface EnvironmentCompose {
  project: ComposeProject;
  model: ComposeModel;
}

/** An environment with a `compose:` section, and where migrate.yaml's lines are (for errors). */
export interface ComposeTarget {
  environment: string;
  envConfig: EnvironmentConfig & { compose: NonNullable<EnvironmentConfig['compose']> };
  configDir: string;
  /** The Context's processEnv: compose's PATH, DOCKER_HOST and COMPOSE_PROJECT_NAME. */
  processEnv: NodeJS.ProcessEnv;
  /** `migrate.yaml:12` for a key path. */
  at?: (keys: KeyPath) => string;
}

/**
 * The compose preflight: compose installed (the v2 plugin when `docker compose` is configured),
 * `compose config` accepting the files, and every service migrate.yaml names existing. Reads
 * only, so ramp, rollback, check and config all run it before anything changes (exit 2).
 * `cli` skips detection when the caller already knows the program; `direct` reads the files
 * without `compose config` where that gives the same answer (the rollback's path).
 */
export async function loadEnvironmentCompose(t: ComposeTarget, run: Runner, cli?: ComposeCli, opts: { direct?: boolean } = {}): Promise<EnvironmentCompose> {
  const project = composeProject(
    cli ?? (await detectCompose({ command: t.envConfig.compose.command, run, processEnv: t.processEnv })),
    t.envConfig.compose,
    t.configDir,
    t.processEnv,
  );
  const model = await loadComposeModel(project, run, opts);
  assertServicesExist(model, t, project);
  return { project, model };
}

/** What the environment's steps may change: its env files, the weight (env driver), the cut-over keys and the model variables. */
export function environmentChange(envConfig: EnvironmentConfig, configDir: string, extra: string[] = []): EnvChange {
  const weight = envConfig.traffic.driver === 'env' ? [envConfig.traffic.weightKey] : [];
  return {
    files: envConfig.envFiles.map((f) => path.resolve(configDir, f)),
    variables: [...new Set([...weight, ...Object.keys(envConfig.cutover), ...(envConfig.modelVariables ?? []), ...extra])],
  };
}

/**
 * `compose.services` set: exactly those (the operator's choice, as before). Unset: every service
 * that reads what changes (consumersOf). `compose.alsoRecreate` is added either way.
 */
export function servicesToRecreate(model: ComposeModel, envConfig: ComposeTarget['envConfig'], change: EnvChange): string[] {
  return [...new Set([...(envConfig.compose.services ?? consumersOf(model, change)), ...envConfig.compose.alsoRecreate])];
}

/** Services that read a changed file but that a `compose.services` list leaves out: they would keep the old values. */
export function leftOut(model: ComposeModel, envConfig: ComposeTarget['envConfig'], change: EnvChange): string[] {
  if (!envConfig.compose.services) return [];
  const chosen = new Set(servicesToRecreate(model, envConfig, change));
  return consumersOf(model, change).filter((s) => !chosen.has(s));
}

function assertServicesExist(model: ComposeModel, t: ComposeTarget, project: ComposeProject): void {
  const known = model.services.map((s) => s.name);
  const base = ['environments', t.environment] as const;
  const named: [KeyPath, string][] = [
    ...(t.envConfig.compose.services ?? []).map((s, i): [KeyPath, string] => [[...base, 'compose', 'services', i], s]),
    ...t.envConfig.compose.alsoRecreate.map((s, i): [KeyPath, string] => [[...base, 'compose', 'alsoRecreate', i], s]),
    ...(t.envConfig.traffic.driver === 'nginx' && t.envConfig.traffic.service ? [[[...base, 'traffic', 'service'], t.envConfig.traffic.service] as [KeyPath, string]] : []),
  ];
  const files = project.files.map((f) => path.relative(t.configDir, f) || f).join(', ');
  const lines = named
    .filter(([, service]) => !known.includes(service))
    .map(([keys, service]) => `${t.at ? `${t.at(keys)} ` : ''}${formatPath(keys)}: no service "${service}" in ${files}${didYouMean(service, known)}`);
  if (lines.length === 0) return;
  const hint = `${files} define${project.files.length > 1 ? '' : 's'}: ${known.join(', ') || 'no services'}; nothing was changed`;
  if (lines.length === 1) throw new UsageError(lines[0]!, { hint });
  throw new UsageError(`${lines.length} unknown compose services`, { details: lines, hint });
}
