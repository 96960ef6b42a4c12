import { NO_COMPOSE } from '../appview/environment.js';
import type { ContainerInside } from '../compose/docker.js';
import type { DriverInput } from '../traffic/create.js';
import { checkContainers, probeWhileRecreating } from './containers.js';
import { afterRestore, verifyFailed } from './failures.js';
import { filesOf } from './report.js';
import { replan } from './prepare.js';
import { recordRolledBack } from './ramp.js';
import { restoreFiles } from './restore.js';
import { recreateServices, waitUntilReady } from './services.js';
import { type Session, timed } from './session.js';

/** Under the lock: reset a non-env traffic driver, restore the files, recreate, verify, record. */
export async function apply(s: Session): Promise<void> {
  const req = s.req;
  const report = s.report!;
  s.plan = await replan(s);
  report.files = filesOf(s.plan);
  // The split first: an nginx reload puts every request on legacy in about a second, sooner than
  // any restore and recreate. A driver that cannot be reset does not stop the files' restore.
  const reset = await timed(report, 'trafficMs', () =>
    resetDriver(s).then(
      () => undefined,
      (err: unknown) => err,
    ),
  );
  const restored = await timed(report, 'restoreMs', () => restoreFiles(s.plan!.files, s.again!));
  s.stage = 'restored';
  for (const f of report.files) f.restored = restored.includes(f.path);
  req.log.info(restored.length ? `restored ${restored.join(', ')}` : 'env files already match the backup: nothing written');
  try {
    if (reset !== undefined) throw reset;
    await finish(s);
  } catch (err) {
    s.stopAhead?.();
    throw afterRestore(err, { compose: Boolean(s.recreate?.command), recreated: report.compose.recreated }, req.signal.aborted, s.again!);
  }
}

/** Everything after the restore; apply turns any failure here into exit 3 (or 130) with the command to finish. */
async function finish(s: Session): Promise<void> {
  const report = s.report!;
  if (s.recreate?.command) await recreate(s);
  stopIfInterrupted(s);
  await verify(s);
  report.rampRecorded = await recordRolledBack(s.stateDir, s.req.environment, s.choice!.backup.id);
  report.ok = true;
}

async function resetDriver(s: Session): Promise<void> {
  s.report!.traffic = (await s.deps.resetTraffic(driverInput(s), { run: s.deps.run, dryRun: false, again: s.again!, onWarning: (line) => s.req.log.warn(line) })) ?? null;
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
  const { services, command } = s.recreate!;
  const redact = (t: string) => s.redactor.text(t);
  req.log.info(`recreating ${services.join(', ')}`);
  probeWhileRecreating(s);
  report.timings.composeMs = await recreateServices(command!, s.deps.run, { again: s.again!, redact });
  report.compose.recreated = true;
  stopIfInterrupted(s);
  await timed(report, 'waitMs', async () => {
    const project = await composer.project(); // detected meanwhile: readiness polling needs the flavor
    // The last poll's listing is what the containers hold now: verification reads it rather than list again.
    const onListed = (containers: ContainerInside[]) => (s.listed = containers);
    await waitUntilReady(project, services, { timeoutMs: req.env.compose!.healthTimeout, signal: req.signal, run: s.deps.run, again: s.again!, redact, onListed });
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
  // --no-restart touches no docker at all (the daemon may be why it was chosen): nothing recreated, nothing to read.
  if (!req.env.compose) req.log.info(NO_COMPOSE);
  if (s.composer && report.compose.recreated) {
    report.verify = (await timed(report, 'verifyMs', () => checkContainers(s))) ?? null;
    if (report.verify) return;
  }
  report.verify = await timed(report, 'verifyMs', () => s.deps.verify(req.loaded.config, plan.pointsAt, { env: req.processEnv, signal: req.signal }));
  if (!report.verify.ok) throw verifyFailed(req.environment, report.verify, s.again!);
}

export function driverInput(s: Session): DriverInput {
  const { req } = s;
  return { environment: req.environment, env: req.env, providers: req.loaded.config.providers, configDir: req.loaded.dir, secrets: req.loaded.secrets, run: s.deps.run };
}
