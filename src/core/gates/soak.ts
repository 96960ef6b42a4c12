import { setTimeout as delay } from 'node:timers/promises';
import { decide, measureWindow, startSoak, type Action, type Decision, type SoakPolicy, type SoakState } from './controller.js';
import { readChecks } from './sources/read.js';
import type { GateSource, Thresholds } from './types.js';

export interface SoakDeps {
  environment: string;
  sources: GateSource[];
  limits: Thresholds;
  policy: SoakPolicy;
  /** Every decision, in order: print its line, record it in the state file and the audit log. */
  onDecision: (decision: Decision, state: SoakState) => Promise<void> | void;
  /**
   * Asked before each decision; a returned reason stops the soak for a rollback (another
   * process ran `migrate rollback`, see readRollbackRequest).
   */
  stopRequested?: () => Promise<string | undefined>;
  /** Aborts the wait (Ctrl-C); the soak then rejects with the signal's reason. */
  signal?: AbortSignal;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export type SoakEnd =
  | { action: Exclude<Action, 'continue' | 'extend'>; decision: Decision }
  | { action: 'rollback'; requested: string };

/** Hold one stage: measure and decide at every interval until it advances, rolls back or pauses. */
export async function soakStage(stageIndex: number, weight: number, deps: SoakDeps): Promise<SoakEnd> {
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? abortableDelay;
  let state = startSoak(deps.policy, stageIndex, weight, now());
  for (;;) {
    await sleep(Math.max(0, state.nextAt - now()), deps.signal);
    const requested = await deps.stopRequested?.();
    if (requested) return { action: 'rollback', requested };
    const window = { env: deps.environment, stageIndex, weight, ...measureWindow(state, deps.policy, now()), signal: deps.signal };
    const checks = await readChecks(deps.sources, window, deps.limits);
    const result = decide(state, deps.policy, checks, now());
    state = result.state;
    await deps.onDecision(result.decision, state);
    const { action } = result.decision;
    if (action === 'advance' || action === 'rollback' || action === 'pause') return { action, decision: result.decision };
  }
}

/** timers/promises rejects with a generic AbortError; callers need the signal's own reason (InterruptedError). */
async function abortableDelay(ms: number, signal?: AbortSignal): Promise<void> {
  try {
    await delay(ms, undefined, { signal });
  } catch (err) {
    throw signal?.aborted ? signal.reason : err;
  }
}
