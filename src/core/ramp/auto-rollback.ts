import { RollbackError } from '../../errors.js';
import type { LoadedConfig } from '../config/load.js';
import type { EnvironmentConfig } from '../config/schema.js';
import type { Runner } from '../exec/command.js';
import { unattended } from '../prompter.js';
import { defaultDeps, rollback } from '../rollback/run.js';
import type { Lock } from '../state/lock.js';
import { requestRollback } from '../state/ramp.js';

export interface RampRollbackInput {
  loaded: LoadedConfig;
  stateDir: string;
  /** The environment's name. */
  environment: string;
  envConfig: EnvironmentConfig;
  /** The ramp's own lock: handed over to the rollback, which takes it again. */
  lock: Lock;
  reason: string;
  run: Runner;
  processEnv: NodeJS.ProcessEnv;
  log: { info: (line: string) => void; warn: (line: string) => void };
}

export interface RampRollbackResult {
  /** What traffic is at now, as the driver reports it (0: all on legacy). */
  appliedWeight: number;
  /** One line for the ramp's report: what was restored and verified. */
  detail: string;
}

/**
 * A failed gate rolls back through the same code as `migrate rollback`: restore the ramp's
 * backup, recreate the services or reset the driver to 0 %, verify. That code takes the
 * environment's lock itself, so the ramp lets go of its own first; a rollback request filed for
 * ourselves beforehand makes any ramp that slipped into the gap stop at once (the rollback
 * clears it when done).
 */
export async function rollBackRamp(input: RampRollbackInput): Promise<RampRollbackResult> {
  await requestRollback(input.stateDir, input.environment, { at: new Date().toISOString(), by: 'migrate ramp', reason: input.reason });
  await input.lock.release();
  const never = new AbortController().signal; // an automatic rollback is never cut in half
  const { report } = await rollback(
    {
      loaded: input.loaded,
      environment: input.environment,
      envConfig: input.envConfig,
      dryRun: false,
      restart: true,
      prompter: unattended,
      signal: never,
      processEnv: input.processEnv,
      log: input.log,
    },
    defaultDeps(input.run),
  );
  if (!report.ok) throw new RollbackError(`the rollback of ${input.environment} did not complete`, { hint: `run \`migrate rollback --env ${input.environment}\`` });
  const restored = report.files.filter((f) => f.restored).map((f) => f.path);
  const parts = [
    restored.length ? `restored ${restored.join(', ')} from backup ${report.backup.id}` : `env files already matched backup ${report.backup.id}`,
    ...(report.traffic ? [`${report.traffic.driver} driver at ${report.traffic.appliedWeight ?? 0}%`] : []),
    ...(report.compose.recreated ? [`recreated ${report.compose.services.join(', ')}`] : []),
    ...(report.verify ? [`${report.verify.provider} answers`] : []),
  ];
  return { appliedWeight: report.traffic?.appliedWeight ?? 0, detail: parts.join('; ') };
}
