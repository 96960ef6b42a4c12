import type { AppView } from '../appview/check.js';
import type { RestorePlan } from './plan.js';
import { changedKeys } from './plan.js';
import type { BackupChoice } from './select.js';
import type { TrafficReset } from './traffic.js';
import type { Connectivity } from './verify.js';

/** Time spent per step, so the benchmark can tell the tool's overhead from compose's work. */
export interface Timings {
  /** From process start to the rollback's first step: Node, module loading, config. */
  startupMs: number;
  /** Choosing, verifying and diffing the backup (and confirming), before the lock. */
  planMs: number;
  /** Blocked waiting for Compose detection (it runs alongside the plan). */
  detectMs: number;
  /** Waiting for the lock (a running ramp to stop). */
  lockMs: number;
  restoreMs: number;
  trafficMs: number;
  /** Inside `compose up` itself. */
  composeMs: number;
  /** Recreated containers becoming running/healthy. */
  waitMs: number;
  verifyMs: number;
}

/** What `--json` prints, and what the audit line summarises. Key names only: never a value. */
export interface RollbackReport {
  ok: boolean;
  dryRun: boolean;
  environment: string;
  backup: { id: string; created: string; message?: string; reason: 'requested' | 'ramp' | 'newest' };
  files: Array<{ path: string; changedKeys: string[]; added: string[]; removed: string[]; changed: string[]; restored: boolean; unchanged: boolean }>;
  /** alreadyHeld: no file changed and the containers already held the files, so they were not recreated. */
  compose: { command: string | null; recreated: boolean; alreadyHeld: boolean; services: string[] };
  traffic: TrafficReset | null;
  verify: Connectivity | null;
  /** What each container of the environment holds after the restore (provider names and URLs, never a key). */
  containers: AppView | null;
  lock: { takenOver?: { pid?: number; host?: string; command?: string; reason: string }; stoppedRamp?: { pid: number; waitedMs: number } } | null;
  /** Ramp state marked rolled-back by this run. */
  rampRecorded: boolean;
  durationMs: number;
  timings: Timings;
}

function emptyTimings(): Timings {
  return { startupMs: 0, planMs: 0, detectMs: 0, lockMs: 0, restoreMs: 0, trafficMs: 0, composeMs: 0, waitMs: 0, verifyMs: 0 };
}

export function filesOf(plan: RestorePlan): RollbackReport['files'] {
  return plan.files.map((f) => ({ path: f.path, changedKeys: changedKeys(f.diff), ...f.diff, restored: false, unchanged: !f.changed }));
}

export function newReport(req: { dryRun: boolean; environment: string }, choice: BackupChoice, plan: RestorePlan, command: string | null, services: string[]): RollbackReport {
  const m = choice.backup.manifest;
  return {
    ok: false,
    dryRun: req.dryRun,
    environment: req.environment,
    backup: { id: m.id, created: m.created, ...(m.message ? { message: m.message } : {}), reason: choice.reason },
    files: filesOf(plan),
    compose: { command, recreated: false, alreadyHeld: false, services: command ? services : [] },
    traffic: null,
    verify: null,
    containers: null,
    lock: null,
    rampRecorded: false,
    durationMs: 0,
    timings: emptyTimings(),
  };
}
