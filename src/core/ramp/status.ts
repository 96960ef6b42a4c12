import { servicesPointing, type ServicePointing } from '../appview/pointing.js';
import type { LoadedConfig } from '../config/load.js';
import type { EnvironmentConfig } from '../config/schema.js';
import { createRunner } from '../exec/run.js';
import { holderState, readLock, type LockInfo } from '../state/lock.js';
import { resolveStateDir } from '../state/paths.js';
import { loadRampState, type GateRecord, type RampState } from '../state/ramp.js';
import { createTrafficDriver } from '../traffic/create.js';

/** One environment as `migrate status` reports it (also its --json shape, inside `environments`). */
export interface EnvironmentStatus {
  environment: string;
  driver: string;
  /** "none" when the environment has never been ramped. */
  status: RampState['status'] | 'none';
  /** The stage in progress (or the last one when finished); 1-based. */
  stage?: { number: number; of: number; weight: number; mirror?: number; status: string };
  stages?: RampState['stages'];
  /** What the ramp recorded the driver applying. */
  appliedWeight?: number;
  /** What the driver reports now (env files, nginx include); null when it cannot tell. */
  driverWeight: number | null;
  backupId?: string;
  /** Who holds the environment's lock now; null when unlocked. `alive` is false when its process is gone (same host only). */
  lock: (Omit<LockInfo, 'token'> & { alive?: boolean }) | null;
  /** The state says running but no live process holds the lock: the ramp crashed or was killed. */
  orphaned?: boolean;
  reason?: string;
  startedAt?: string;
  updatedAt?: string;
  endedAt?: string;
  rollbackRequested?: RampState['rollbackRequested'];
  /** The latest decisions, oldest first, with their figures; `stage` is numbered from 1. */
  gates: GateRecord[];
  /** With --env: where each service's containers point now, from what they hold (no request sent). */
  containers?: ServicePointing[];
  /** Why `containers` is missing: no compose section, or docker could not be asked. */
  containersNote?: string;
}

export const RECENT_DECISIONS = 5;

export async function environmentStatus(loaded: LoadedConfig, name: string, envConfig: EnvironmentConfig, recent = RECENT_DECISIONS): Promise<EnvironmentStatus> {
  const stateDir = resolveStateDir(loaded.dir, loaded.config.stateDir);
  const [state, lock, driverWeight] = await Promise.all([loadRampState(stateDir, name), readLock(stateDir, name), currentWeight(loaded, name, envConfig)]);
  const holder = lockHolder(lock);
  const base = { environment: name, driver: envConfig.traffic.driver, driverWeight, lock: holder };
  if (!state) return { ...base, status: 'none', gates: [] };
  // A killed ramp leaves "running" behind; say so rather than let a person wait for it.
  const orphaned = state.status === 'running' && (!holder || holder.alive === false || (state.lock !== undefined && holder.pid !== state.lock.pid));
  const index = Math.min(state.current, state.stages.length - 1);
  const stage = state.stages[index]!;
  return {
    ...base,
    status: state.status,
    ...(orphaned ? { orphaned } : {}),
    stage: { number: index + 1, of: state.stages.length, weight: stage.weight, ...(stage.mirror ? { mirror: stage.mirror } : {}), status: stage.status },
    stages: state.stages,
    appliedWeight: state.appliedWeight,
    backupId: state.backupId,
    reason: state.reason,
    startedAt: state.startedAt,
    updatedAt: state.updatedAt,
    endedAt: state.endedAt,
    rollbackRequested: state.rollbackRequested,
    gates: state.gates.slice(-recent).map(numbered),
  };
}

/** The state file keeps the stage's index (what --resume reads); people and scripts see stage numbers from 1, as in the ramp's events. */
function numbered(g: GateRecord): GateRecord {
  return { ...g, stage: g.stage + 1 };
}

/** The lock as shown (its token and boot id are the holder's alone); whether its process lives is known on this host only. */
function lockHolder(lock: LockInfo | undefined): EnvironmentStatus['lock'] {
  if (!lock) return null;
  const { token: _token, boot: _boot, ...info } = lock;
  const state = holderState(lock);
  return { ...info, alive: state === 'elsewhere' ? undefined : state === 'alive' };
}

/**
 * Ask the driver what traffic sees now. Only reads: the compose parts are left out so no
 * docker command runs (reading the weight needs the env files or the include, not compose).
 */
async function currentWeight(loaded: LoadedConfig, name: string, envConfig: EnvironmentConfig): Promise<number | null> {
  const traffic = envConfig.traffic.driver === 'nginx' ? { ...envConfig.traffic, service: undefined } : envConfig.traffic;
  try {
    const driver = await createTrafficDriver({
      environment: name,
      envConfig: { ...envConfig, traffic, compose: undefined },
      providers: loaded.config.providers,
      configDir: loaded.dir,
      secrets: loaded.secrets,
      run: createRunner({ processEnv: {} }),
      processEnv: {}, // compose left out: nothing here runs docker or reads a variable
    });
    return (await driver.current()) ?? null;
  } catch {
    return null; // a missing env file: the ramp state still says what it knows
  }
}

/** What the app's containers hold now; a status must print even when docker does not answer. */
export async function withContainers(status: EnvironmentStatus, loaded: LoadedConfig, envConfig: EnvironmentConfig, processEnv: NodeJS.ProcessEnv): Promise<EnvironmentStatus> {
  try {
    const containers = await servicesPointing({ loaded, envConfig, run: createRunner({ processEnv }), processEnv, probe: false });
    return containers ? { ...status, containers } : { ...status, containersNote: 'no compose section: containers not inspected' };
  } catch (err) {
    return { ...status, containersNote: `could not inspect the containers: ${(err as Error).message}` };
  }
}
