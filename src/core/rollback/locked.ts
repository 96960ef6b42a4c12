import { takeRollbackLock } from './lock.js';
import { apply } from './apply.js';
import type { Prepared, RollbackRequest, Session } from './session.js';
import { sinceStart } from '../clock.js';

// A real rollback's effects, from the lock on: run.ts imports this module only when it runs one,
// so a dry run neither compiles nor evaluates it (nor the restore, compose and container checks
// it imports).

/** Take the environment's lock (stopping a running ramp), apply the plan, release the lock. */
export async function lockAndApply(s: Session, p: Prepared): Promise<Prepared> {
  const { req } = s;
  const { report } = p;
  const lockStarted = sinceStart();
  const taken = await takeRollbackLock({
    stateDir: s.stateDir,
    environment: req.environment,
    timeoutMs: req.rampStopTimeoutMs ?? rampStopTimeout(req),
    signal: req.signal,
    onProgress: req.log.info,
    processEnv: req.processEnv,
  });
  s.reached.stage = 'locked';
  try {
    report.timings.lockMs = Math.round(sinceStart() - lockStarted);
    report.lock = { takenOver: taken.takenOver, stoppedRamp: taken.stoppedRamp };
    if (taken.takenOver)
      req.log.warn(
        `took over a stale lock of ${req.environment} (pid ${taken.takenOver.pid ?? '?'}, ${taken.takenOver.command ?? 'unknown command'}: ${STALE[taken.takenOver.reason]})`,
      );
    if (taken.stoppedRamp) req.log.info(`the ramp (pid ${taken.stoppedRamp.pid}) stopped after ${(taken.stoppedRamp.waitedMs / 1000).toFixed(1)}s`);
    if (req.signal.aborted) throw req.signal.reason;
    return await apply(s, p);
  } finally {
    await taken.lock.release();
  }
}

const STALE = { dead: 'no longer running', rebooted: 'held since before this host last booted', unreadable: 'unreadable lock file' } as const;

/** Ramp interval + health timeout + margin: long enough for a ramp to notice and undo its own stage. */
function rampStopTimeout(req: RollbackRequest): number {
  const interval = req.envConfig.ramp?.interval ?? req.loaded.config.ramp.interval;
  return interval + (req.envConfig.compose?.healthTimeout ?? 0) + 30_000;
}
