import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { AppView, AppViewInput } from '../appview/check.js';
import { effectiveRole, type GatewayView } from '../appview/judge.js';
import { containerLine } from '../appview/render.js';
import { readContainerViews } from '../appview/read.js';
import { projectContainersInside } from '../compose/containers.js';
import { environmentChange } from '../compose/environment.js';
import type { ComposeProject } from '../compose/project.js';
import type { ProviderRole } from '../config/schema.js';
import { parse, values } from '../envfile/parse.js';
import { gatewayUrls } from '../gateway/app-urls.js';
import { containersWrong } from './failures.js';
import { notHeld } from './held.js';
import type { RestorePlan } from './plan.js';
import type { Composer, Recreate } from './compose.js';
import type { Prepared, Session } from './session.js';
import type { Connectivity } from './verify.js';

/**
 * After the recreate: every container must hold the pair the restored files point at (and their
 * weight), and that exact pair must answer; otherwise exit 3 naming the container. Returns the
 * probe of that pair as the rollback's connectivity result (undefined: no container holds one).
 */
export async function checkContainers(s: Session, p: Prepared, compose: { composer: Composer; recreate: Recreate }): Promise<Connectivity | undefined> {
  const project = await compose.composer.project();
  const view = await s.deps.appView(await appViewInput(s, p, compose.recreate, project));
  p.report.containers = view;
  for (const c of view.containers) {
    if (c.ok) s.req.log.info(`✓ ${containerLine(c)}`);
    else s.req.log.warn(`✗ ${containerLine(c)}`);
  }
  if (!view.ok) throw containersWrong(view, project, p.again);
  return connectivityOf(view, p.plan.pointsAt);
}

/**
 * When the rollback wrote no env file and every container of the services already holds what
 * the files say (read from the containers, as the verification reads them), a recreate would
 * only be downtime: skip it. Anything else, a failed read included, recreates as before.
 */
export async function alreadyHeld(s: Session, p: Prepared, compose: { composer: Composer; recreate: Recreate }): Promise<boolean> {
  if (p.plan.files.some((f) => f.changed)) return false;
  const { req } = s;
  const { services } = compose.recreate;
  try {
    const project = await compose.composer.project();
    const listed = await projectContainersInside(project, s.deps.run);
    const views = await readContainerViews(project, services, s.configured, s.deps.run, listed);
    const written = environmentChange(req.envConfig, p.loaded.dir).variables;
    const startedAt = Object.fromEntries(listed.map((c) => [c.state.id, c.state.startedAt]));
    const modifiedAt = Object.fromEntries(await Promise.all(p.plan.files.map(async (f) => [path.resolve(f.absolute), (await stat(f.absolute)).mtimeMs] as const)));
    const reasons = notHeld({ model: await compose.composer.model(), services, files: p.plan.files, views, written, startedAt, modifiedAt });
    if (reasons.length > 0) {
      req.log.info(`the env files already match the backup, but not every container holds them: ${reasons.join('; ')}`);
      return false;
    }
    s.listed = listed; // the verification reads these containers rather than list them again
  } catch (err) {
    req.log.warn(`could not read what the containers hold (${s.redactor.text((err as Error).message)}): recreating them`);
    return false;
  }
  p.report.compose.alreadyHeld = true;
  req.log.info(`${services.join(', ')} already ${services.length === 1 ? 'holds' : 'hold'} the restored env files: not recreated`);
  return true;
}

/**
 * Called as compose starts recreating: loads the app view and the HTTP client (undici), and probes
 * the pair the restored files hold, so that once compose is done only the containers are left to
 * read. The probe answers only for a container holding exactly that pair (appview/ahead.ts).
 */
export function probeWhileRecreating(s: Session, p: Prepared): void {
  const role = expectedRole(s, p);
  const { req } = s;
  if (!role || !s.deps.probeAhead) {
    void Promise.all([import('../appview/check.js'), import('./verify.js')]).catch(() => undefined);
    return;
  }
  // Stopped if the rollback fails before it reads the containers: an exit must not wait on a probe's timeout.
  const stop = new AbortController();
  s.stopAhead = () => stop.abort();
  const input = { cutover: req.envConfig.cutover, config: p.loaded.config, processEnv: req.processEnv, signal: AbortSignal.any([req.signal, stop.signal]) };
  s.ahead = s.deps.probeAhead(restoredValues(p), role, input).catch(() => undefined); // probed as found instead
}

/**
 * The provider the restored files name, for the probe started while compose recreates. Behind
 * `migrate gateway` they hold the gateway's URL: the containers are judged by where its split
 * sends them (gatewayView), so nothing is probed ahead.
 */
function expectedRole(s: Session, p: Prepared): ProviderRole | undefined {
  const { traffic } = s.req.envConfig;
  if (traffic.driver === 'nginx' && traffic.gateway === true) return undefined;
  return p.plan.pointsAt === 'target' ? 'target' : 'legacy';
}

/** Behind `migrate gateway`: its URLs, and the provider its split (as the reset read it back from nginx) sends requests to. */
async function gatewayView(s: Session, p: Prepared): Promise<GatewayView | undefined> {
  const { traffic } = s.req.envConfig;
  if (traffic.driver !== 'nginx' || traffic.gateway !== true) return undefined;
  const weight = p.report.traffic?.appliedWeight;
  const routesTo = weight === 0 ? 'legacy' : weight === 100 ? 'target' : undefined;
  return { urls: await gatewayUrls(p.loaded.dir, traffic.file, p.loaded.config.gateway.port), ...(routesTo ? { routesTo } : {}) };
}

function restoredValues(p: Prepared): Record<string, string> {
  return Object.assign({}, ...p.plan.files.map((f) => values(parse(f.content.toString('utf8'))))) as Record<string, string>;
}

async function appViewInput(s: Session, p: Prepared, recreate: Recreate, project: ComposeProject): Promise<AppViewInput> {
  const { req } = s;
  const { envConfig } = req;
  const gateway = await gatewayView(s, p);
  // Behind the gateway the reset put its split at 0 %: a container on it must be sent to legacy.
  const role = gateway ? 'legacy' : expectedRole(s, p);
  // Under the env driver the restored weight must be what the containers hold too.
  const restored = restoredValues(p);
  const weightKey = envConfig.traffic.driver === 'env' ? envConfig.traffic.weightKey : undefined;
  const weight = weightKey && restored[weightKey] !== undefined ? { key: weightKey, value: restored[weightKey], blind: recreate.weightBlind } : undefined;
  return {
    project,
    services: recreate.services,
    envFiles: s.configured,
    cutover: envConfig.cutover,
    config: p.loaded.config,
    expected: { role, weight, step: 'the rollback' },
    gateway,
    run: s.deps.run,
    processEnv: req.processEnv,
    signal: req.signal,
    verify: await s.ahead,
    listed: s.listed,
  };
}

/** The provider-level result, from the first container pair of the expected provider that was probed. */
function connectivityOf(view: AppView, pointsAt: RestorePlan['pointsAt']): Connectivity | undefined {
  const pair = view.containers.flatMap((c) => c.pairs).find((p) => p.probe && effectiveRole(p) === view.expected);
  if (!pair?.probe || pair.url === undefined || !view.expected) return undefined; // a probed pair has its URL
  return { ...pair.probe, provider: view.expected, pointsAt, baseUrl: pair.url };
}
