import { UsageError } from '../../errors.js';
import { resolveConfigPath } from '../config/environment.js';
import { composePreflight } from '../compose/preflight.js';
import { createRunner } from '../exec/run.js';
import { formatArgv } from '../exec/format.js';
import { RampMetrics } from '../metrics/ramp-metrics.js';
import { serveMetrics, type MetricsServer } from '../metrics/server.js';
import { webhookNotifier, type Notifier } from '../notify/webhook.js';
import { acquireLock, type Lock } from '../state/lock.js';
import { resolveStateDir } from '../state/paths.js';
import { assertCanStart, clearRollbackRequest, loadRampState, resumePoint, type RampState } from '../state/ramp.js';
import { assertWritable } from '../fs/writable.js';
import { createTrafficDriver } from '../traffic/create.js';
import { rampFiles, repairTornWrites } from './files.js';
import { readEnvFile } from '../envfile/file.js';
import { values } from '../envfile/parse.js';
import { relayNeeds } from '../traffic/relay-needs.js';
import { envStagesNote } from './env-stages.js';
import { assertPlanCanPass } from './feasible.js';
import type { RampEvent } from './events.js';
import { Journal } from './journal.js';
import { rampPlan } from './plan.js';
import { checkRequires, needsConfirmation } from './preflight.js';
import { RampRun } from './stages.js';
import { legacyForResume } from './resume-legacy.js';
import type { Admission, RampOptions } from './options.js';

/** `migrate ramp`: admission checks, then (under the environment's lock) preflight and the stages. Returns the exit code. */
export async function runRamp(options: RampOptions): Promise<number> {
  const started = Date.now();
  const admission = await admit(options);
  // Bound before anything is read or written further: a port in use stops the ramp with nothing changed.
  const metrics = options.settings.metricsPort && !options.dryRun ? await metricsFor(options, options.settings.metricsPort) : undefined;
  try {
    return await runAdmitted(options, admission, started, metrics);
  } finally {
    await metrics?.server.close();
  }
}

interface ServedMetrics {
  metrics: RampMetrics;
  server: MetricsServer;
}

/** Everything after admission: the dry-run plan, or (under the lock) the ramp itself. */
async function runAdmitted(options: RampOptions, admission: Admission, started: number, metrics: ServedMetrics | undefined): Promise<number> {
  const o = options.resume ? await resumedLegacy(options, admission) : options;
  const run = createRunner({ processEnv: o.processEnv, onRun: (cmd) => o.out.debug(`$ ${formatArgv(cmd.argv)}`) });
  // Before the lock and the backup: a compose file the configured compose cannot run is found now, not at stage 1.
  for (const warning of await composePreflight(o.loaded, o.environment, o.envConfig, run, o.processEnv)) o.out.warn(warning);
  const note = await envStagesNote(o.loaded, o.environment, o.envConfig, admission.stages.slice(admission.from), run, o.processEnv);
  const driver = await createTrafficDriver({
    environment: o.environment,
    envConfig: o.envConfig,
    providers: o.loaded.config.providers,
    configDir: o.loaded.dir,
    secrets: o.loaded.secrets,
    run,
    processEnv: o.processEnv,
    at: o.loaded.at,
    measureNodes: { models: o.loaded.config.models, processEnv: o.processEnv },
  });
  if (o.dryRun) {
    const journal = new Journal({ environment: o.environment, out: o.out, secrets: o.loaded.secrets, startedAt: started });
    const envFiles = o.envConfig.envFiles.map((f) => resolveConfigPath(o.loaded, f));
    await journal.emit(
      await rampPlan({ ...admission, note, settings: o.settings, driver, resume: o.resume, validate: o.settings.validate, envFiles, onWarning: (line) => journal.warn(line) }),
    );
    return 0;
  }
  for (const warning of o.settings.warnings) o.out.warn(warning);
  const lock = await acquireLock(admission.stateDir, o.environment, { command: 'migrate ramp', processEnv: o.processEnv });
  const notifier = o.settings.webhook ? notifierFor(o, o.settings.webhook) : undefined;
  try {
    if (lock.takenOver) o.out.warn(`took over a stale lock of ${o.environment} (pid ${lock.takenOver.pid ?? '?'} is gone)`);
    for (const line of await repairTornWrites(rampFiles(o.loaded, o.envConfig))) o.out.warn(line);
    if (!o.resume) await clearRollbackRequest(admission.stateDir, o.environment); // an old request must not stop a new ramp
    const onEvent = metrics && ((e: RampEvent) => metrics.metrics.observe(e));
    const journal = new Journal({
      environment: o.environment,
      out: o.out,
      stateDir: admission.stateDir,
      secrets: o.loaded.secrets,
      processEnv: o.processEnv,
      notifier,
      startedAt: started,
      onEvent,
    });
    return await new RampRun({ ...o, ...admission, lock: holder(lock), rawLock: lock, driver, run, journal, started, note }).run();
  } finally {
    await notifier?.flush(3000);
    await lock.release();
  }
}

/** Production confirmation policy, `requires`, and fresh-versus-resume, all before any lock or write. */
async function admit(o: Pick<RampOptions, 'loaded' | 'environment' | 'envConfig' | 'settings' | 'resume' | 'force' | 'prompter' | 'dryRun' | 'out'>): Promise<Admission> {
  const stateDir = resolveStateDir(o.loaded.dir, o.loaded.config.stateDir);
  const confirm = needsConfirmation(o.environment, o.envConfig);
  if (confirm) {
    o.prompter.assertCanConfirm({
      what: `the ramp of ${o.environment}`,
      why: 'it asks for confirmation before the first stage and before 100 %',
      hint: `review the plan with \`migrate ramp --env ${o.environment} --dry-run\`, then pass --yes`,
    });
  }
  assertPlanCanPass(o.settings);
  await assertRelayNeeds(o);
  const requires = await checkRequires(stateDir, o.environment, o.envConfig);
  if (!o.dryRun) await assertWritable(rampFiles(o.loaded, o.envConfig));
  const existing = await loadRampState(stateDir, o.environment);
  if (!o.resume) {
    assertCanStart(existing, o.environment);
    return { stateDir, existing, stages: o.settings.stages, shadow: o.settings.shadow, from: 0, confirm, requires };
  }
  if (!existing) {
    throw new UsageError(`there is no ramp of ${o.environment} to resume`, { hint: `start one with \`migrate ramp --env ${o.environment}\`` });
  }
  const point = resumePoint(existing);
  return { stateDir, existing, stages: existing.stages.map((s) => s.weight), shadow: existing.stages[0]?.mirror, from: point.stageIndex, confirm, requires };
}

/** On --resume, the legacy settings as they were before the ramp rewrote anything (resume-legacy.ts). */
async function resumedLegacy<O extends Pick<RampOptions, 'loaded' | 'environment' | 'out'>>(o: O, admission: Admission): Promise<O> {
  const backupId = admission.existing?.backupId;
  const { loaded, names } = await legacyForResume(o.loaded, admission.stateDir, o.environment, backupId);
  if (names.length === 0 || backupId === undefined) return o; // names come only from a backup
  o.out.info(`providers.legacy: ${names.join(', ')} read from backup ${backupId}, taken before this ramp rewrote the env files`);
  return { ...o, loaded };
}

/** Headers and model names the target needs that the env files cannot carry: refused (exit 2) unless --force. */
async function assertRelayNeeds(o: Pick<RampOptions, 'loaded' | 'environment' | 'envConfig' | 'out' | 'force'>): Promise<void> {
  // Read here, before the target is probed: a missing, binary or oversized env file stops the ramp with nothing sent.
  const files = await Promise.all(o.envConfig.envFiles.map((f) => readEnvFile(resolveConfigPath(o.loaded, f)).then(values)));
  const needs = relayNeeds(o.loaded.config, o.environment, o.envConfig, Object.assign({}, ...files) as Record<string, string>);
  for (const warning of needs.warnings) o.out.warn(warning);
  if (needs.errors.length === 0) return;
  if (o.force) {
    for (const error of needs.errors) o.out.warn(`${error} (--force: going on)`);
    return;
  }
  throw new UsageError(needs.errors[0]!, { details: needs.errors.slice(1), hint: `nothing was changed; see \`migrate check --env ${o.environment}\`` });
}

async function metricsFor(o: Pick<RampOptions, 'environment' | 'out'>, port: number): Promise<ServedMetrics> {
  const metrics = new RampMetrics(o.environment);
  const server = await serveMetrics(port, () => metrics.render());
  o.out.info(`ramp metrics on ${server.url}`);
  return { metrics, server };
}

function holder(lock: Lock): RampState['lock'] {
  const { pid, host, command, time } = lock.info;
  return { pid, host, command, time };
}

function notifierFor(o: Pick<RampOptions, 'loaded' | 'out'>, url: string): Notifier {
  return webhookNotifier({ url, secrets: o.loaded.secrets, onGiveUp: (line) => o.out.warn(line) });
}
