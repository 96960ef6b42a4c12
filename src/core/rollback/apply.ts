import { NO_COMPOSE } from '../appview/environment.js';
import type { ContainerInside } from '../compose/docker.js';
import type { Command } from '../exec/command.js';
import type { Composer, Recreate } from './compose.js';
import { alreadyHeld, checkContainers, probeWhileRecreating } from './containers.js';
import { afterRestore, verifyFailed } from './failures.js';
import { filesOf } from './report.js';
import { replan } from './prepare.js';
import { recordRolledBack } from './ramp-state.js';
import { restoreFiles } from './restore.js';
import { recreateServices, waitUntilReady } from './services.js';
import { type Prepared, type Session, driverInput, timed } from './session.js';

/** Under the lock: reset a non-env traffic driver, restore the files, recreate, verify, record. Returns what it acted on (the plan made again). */
export async function apply(s: Session, prepared: Prepared): Promise<Prepared> {
  const { req } = s;
  const p: Prepared = { ...prepared, plan: await replan(s, prepared) };
  const { report } = p;
  report.files = filesOf(p.plan);
  // The split first: an nginx reload puts every request on legacy in about a second, sooner than
  // any restore and recreate. A driver that cannot be reset does not stop the files' restore.
  const reset = await timed(report, 'trafficMs', () =>
    resetDriver(s, p).then(
      () => undefined,
      (err: unknown) => err as Error,
    ),
  );
  const restored = await timed(report, 'restoreMs', () => restoreFiles(p.plan.files, p.again));
  s.reached.stage = 'restored';
  for (const f of report.files) f.restored = restored.includes(f.path);
  req.log.info(restored.length ? `restored ${restored.join(', ')}` : 'env files already match the backup: nothing written');
  try {
    if (reset !== undefined) throw reset;
    await finish(s, p);
  } catch (err) {
    s.stopAhead?.();
    throw afterRestore(err, { compose: Boolean(p.compose?.recreate.command), recreated: report.compose.recreated, held: report.compose.alreadyHeld }, req.signal.aborted, p.again);
  }
  return p;
}

/** Everything after the restore; apply turns any failure here into exit 3 (or 130) with the command to finish. */
async function finish(s: Session, p: Prepared): Promise<void> {
  const { report } = p;
  const command = p.compose?.recreate.command;
  if (p.compose && command && !(await alreadyHeld(s, p, p.compose))) await recreate(s, p, p.compose, command);
  stopIfInterrupted(s);
  await verify(s, p);
  report.rampRecorded = await recordRolledBack(s.stateDir, s.req.environment, p.choice.backup.id);
  report.ok = true;
}

async function resetDriver(s: Session, p: Prepared): Promise<void> {
  p.report.traffic = (await s.deps.resetTraffic(driverInput(s, p), { run: s.deps.run, dryRun: false, again: p.again, onWarning: (line) => s.req.log.warn(line) })) ?? null;
}

/** Compose runs without the abort signal (a recreate cut in half is worse), so look between steps. */
function stopIfInterrupted(s: Session): void {
  if (s.req.signal.aborted) throw s.req.signal.reason;
}

/** Recreate only the environment's services, then wait for them with the compose health deadline. */
async function recreate(s: Session, p: Prepared, compose: { composer: Composer; recreate: Recreate }, command: Command): Promise<void> {
  const { req } = s;
  const { report, again } = p;
  const { composer } = compose;
  const { services } = compose.recreate;
  stopIfInterrupted(s);
  const redact = (t: string) => s.redactor.text(t);
  req.log.info(`recreating ${services.join(', ')}`);
  probeWhileRecreating(s, p);
  report.timings.composeMs = await recreateServices(command, s.deps.run, { again, redact });
  report.compose.recreated = true;
  stopIfInterrupted(s);
  await timed(report, 'waitMs', async () => {
    const project = await composer.project(); // detected meanwhile: readiness polling needs the flavor
    // The last poll's listing is what the containers hold now: verification reads it rather than list again.
    const onListed = (containers: ContainerInside[]) => (s.listed = containers);
    await waitUntilReady(project, services, { timeoutMs: composer.config.healthTimeout, signal: req.signal, run: s.deps.run, again, redact, onListed });
  });
  req.log.info(`${services.join(', ')} running after ${(report.timings.waitMs / 1000).toFixed(1)}s`);
}

/**
 * The app's view is the truth: with compose, what the recreated containers hold must be what the
 * restored files point at, and exactly that pair must answer (recreated, or found already holding
 * them). Without compose (or with --no-restart) the provider the files point at is checked.
 */
async function verify(s: Session, p: Prepared): Promise<void> {
  const { req } = s;
  const { report, plan } = p;
  // Behind `migrate gateway` the files hold the gateway's URL: expected, and the driver's reset put it at 0 %.
  const behindGateway = req.envConfig.traffic.driver === 'nginx' && req.envConfig.traffic.gateway === true;
  if (plan.pointsAt === 'unknown' && !behindGateway) req.log.warn('the restored env files do not clearly point at legacy or target: checking legacy');
  // --no-restart touches no docker at all (the daemon may be why it was chosen): nothing recreated, nothing to read.
  if (!req.envConfig.compose) req.log.info(NO_COMPOSE);
  if (p.compose && (report.compose.recreated || report.compose.alreadyHeld)) {
    const compose = p.compose;
    report.verify = (await timed(report, 'verifyMs', () => checkContainers(s, p, compose))) ?? null;
    if (report.verify) return;
  }
  report.verify = await timed(report, 'verifyMs', () => s.deps.verify(p.loaded.config, plan.pointsAt, { processEnv: req.processEnv, signal: req.signal }));
  if (!report.verify.ok) throw verifyFailed(req.environment, report.verify, p.again);
}
