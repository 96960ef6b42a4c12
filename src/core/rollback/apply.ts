import type { AppView, AppViewInput } from '../appview/check.js';
import { NO_COMPOSE } from '../appview/environment.js';
import { containerLine } from '../appview/render.js';
import { parse, values } from '../envfile/parse.js';
import type { DriverInput } from '../traffic/create.js';
import { afterRestore, containersWrong, verifyFailed } from './failures.js';
import type { RestorePlan } from './plan.js';
import { filesOf } from './report.js';
import { replan } from './prepare.js';
import { recordRolledBack } from './ramp.js';
import { restoreFiles } from './restore.js';
import { recreateServices, waitUntilReady } from './services.js';
import { type Session, timed } from './session.js';
import type { Connectivity } from './verify.js';

/** Under the lock: restore the files, reset a non-env traffic driver, recreate, verify, record. */
export async function apply(s: Session): Promise<void> {
  const req = s.req;
  const report = s.report!;
  s.plan = await replan(s);
  report.files = filesOf(s.plan);
  const restored = await timed(report, 'restoreMs', () => restoreFiles(s.plan!.files, s.again!));
  s.stage = 'restored';
  for (const f of report.files) f.restored = restored.includes(f.path);
  req.log.info(restored.length ? `restored ${restored.join(', ')}` : 'env files already match the backup: nothing written');
  try {
    await finish(s);
  } catch (err) {
    throw afterRestore(err, { compose: Boolean(s.composer), recreated: report.compose.recreated }, req.signal.aborted, s.again!);
  }
}

/** Everything after the restore; apply turns any failure here into exit 3 (or 130) with the command to finish. */
async function finish(s: Session): Promise<void> {
  const report = s.report!;
  report.traffic = (await timed(report, 'trafficMs', () => s.deps.resetTraffic(driverInput(s), { run: s.deps.run, dryRun: false, again: s.again! }))) ?? null;
  if (s.composer) await recreate(s);
  stopIfInterrupted(s);
  await verify(s);
  report.rampRecorded = await recordRolledBack(s.stateDir, s.req.environment, s.choice!.backup.id);
  report.ok = true;
}

/** Compose runs without the abort signal (a recreate cut in half is worse), so look between steps. */
function stopIfInterrupted(s: Session): void {
  if (s.req.signal.aborted) throw s.req.signal.reason;
}

/** Recreate only the environment's services, then wait for them with the compose health deadline. */
async function recreate(s: Session): Promise<void> {
  const req = s.req;
  const report = s.report!;
  const composer = s.composer!;
  stopIfInterrupted(s);
  const services = req.env.compose!.services;
  const redact = (t: string) => s.redactor.text(t);
  req.log.info(`recreating ${services.join(', ')}`);
  void import('../appview/check.js').catch(() => undefined); // load the HTTP client while compose works
  report.timings.composeMs = await recreateServices(await composer.command(), s.deps.run, { again: s.again!, redact });
  report.compose.recreated = true;
  stopIfInterrupted(s);
  await timed(report, 'waitMs', async () => {
    const project = await composer.project(); // detected meanwhile: readiness polling needs the flavor
    await waitUntilReady(project, services, { timeoutMs: req.env.compose!.healthTimeout, signal: req.signal, run: s.deps.run, again: s.again!, redact });
  });
  req.log.info(`${services.join(', ')} running after ${(report.timings.waitMs / 1000).toFixed(1)}s`);
}

/**
 * The app's view is the truth: with compose, what the recreated containers hold must be what the
 * restored files point at, and exactly that pair must answer. Without compose (or with
 * --no-restart, when nothing was recreated) the provider the files point at is checked.
 */
async function verify(s: Session): Promise<void> {
  const req = s.req;
  const report = s.report!;
  const plan = s.plan!;
  if (plan.pointsAt === 'unknown') req.log.warn('the restored env files do not clearly point at legacy or target: checking legacy');
  if (!req.env.compose) req.log.info(NO_COMPOSE);
  if (s.composer && report.compose.recreated) {
    const view = await timed(report, 'verifyMs', async () => s.deps.appView(await appViewInput(s)));
    report.containers = view;
    for (const c of view.containers) (c.ok ? req.log.info : req.log.warn)(`${c.ok ? '✓' : '✗'} ${containerLine(c)}`);
    if (!view.ok) throw containersWrong(view, await s.composer.project(), s.again!);
    report.verify = connectivityOf(view, plan.pointsAt) ?? null;
    if (report.verify) return;
  }
  report.verify = await timed(report, 'verifyMs', () => s.deps.verify(req.loaded.config, plan.pointsAt, { env: req.processEnv, signal: req.signal }));
  if (!report.verify.ok) throw verifyFailed(req.environment, report.verify, s.again!);
}

async function appViewInput(s: Session): Promise<AppViewInput> {
  const { req } = s;
  const env = req.env;
  const role = s.plan!.pointsAt === 'target' ? 'target' : 'legacy';
  // Under the env driver the restored weight must be what the containers hold too.
  const restored = Object.assign({}, ...s.plan!.files.map((f) => values(parse(f.content.toString('utf8'))))) as Record<string, string>;
  const weightKey = env.traffic.driver === 'env' ? env.traffic.weightKey : undefined;
  const weight = weightKey && restored[weightKey] !== undefined ? { key: weightKey, value: restored[weightKey] } : undefined;
  return {
    project: await s.composer!.project(),
    services: env.compose!.services,
    envFiles: s.configured,
    cutover: env.cutover,
    config: req.loaded.config,
    expected: { role, weight, step: 'the rollback' },
    run: s.deps.run,
    env: req.processEnv,
    signal: req.signal,
  };
}

/** The provider-level result, from the first container pair probed (undefined when none was: no provider variables). */
function connectivityOf(view: AppView, pointsAt: RestorePlan['pointsAt']): Connectivity | undefined {
  const pair = view.containers.flatMap((c) => c.pairs).find((p) => p.probe && p.role === view.expected);
  if (!pair?.probe || !view.expected) return undefined;
  return { ...pair.probe, provider: view.expected, pointsAt, baseUrl: pair.url! };
}

export function driverInput(s: Session): DriverInput {
  const { req } = s;
  return { environment: req.environment, env: req.env, providers: req.loaded.config.providers, configDir: req.loaded.dir, secrets: req.loaded.secrets, run: s.deps.run };
}
