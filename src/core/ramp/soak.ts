import { setTimeout as sleep } from 'node:timers/promises';
import { decide, measureWindow, startSoak, type Decision, type SoakPolicy, type SoakState } from '../gates/controller.js';
import { readChecks } from '../gates/sources/read.js';
import type { Figures, GateSource, Thresholds } from '../gates/types.js';
import type { RollbackRequest } from '../state/ramp.js';
import type { Interrupts } from './interrupts.js';
import type { Prompter } from '../prompter.js';
import { askSoakChoice } from './prompts.js';
import type { LiveView } from './render.js';

// One stage's soak: wait for each decision time, read every gate source at once, let the pure
// controller decide, and act on it. Between decisions it wakes every second to honour a
// `migrate rollback` request, a signal, and to refresh the live line.

export type SoakEnd =
  | { kind: 'passed' }
  | { kind: 'rollback'; reason: string }
  /** interrupted: a signal stopped it (exit 130); otherwise a person chose to pause. */
  | { kind: 'pause'; reason: string; interrupted: boolean }
  /** Another process (`migrate rollback`) asked this ramp to stop; it will do the rollback. */
  | { kind: 'stopped'; request: RollbackRequest };

export interface SoakDeps {
  environment: string;
  policy: SoakPolicy;
  sources: GateSource[];
  /** The source the live line shows: real traffic when the gateway source is on, else the probes. */
  live?: GateSource;
  limits: Thresholds;
  interrupts: Interrupts;
  prompter: Pick<Prompter, 'select'>;
  rollbackRequested(): Promise<RollbackRequest | undefined>;
  onDecision(d: Decision): Promise<void>;
  /** A question to the operator opened (true) or closed (false). */
  onQuestion?(open: boolean, message: string): Promise<void>;
  /** Called about every second with the live figures (at a terminal). */
  onTick?(view: LiveView): void;
}

const TICK_MS = 1000;

export async function soakStage(deps: SoakDeps, stageIndex: number, stageCount: number, weight: number, label = `${weight}%`): Promise<SoakEnd> {
  let soak = startSoak(deps.policy, stageIndex, weight, Date.now(), label);
  const view = { stage: stageIndex + 1, of: stageCount, weight };
  for (;;) {
    const early = await waitFor(deps, soak, view);
    if (early) return early;
    let checks;
    try {
      const window = measureWindow(soak, deps.policy, Date.now());
      checks = await readChecks(deps.sources, { ...window, environment: deps.environment, stageIndex, weight, signal: deps.interrupts.stopSignal }, deps.limits);
    } catch (err) {
      if (deps.interrupts.stopSignal.aborted) return stopped(deps.interrupts);
      throw err;
    }
    const { state, decision } = decide(soak, deps.policy, checks, Date.now());
    soak = state;
    await deps.onDecision(decision);
    const end = await act(deps, decision, soak);
    if (end === 'extend') soak = { ...soak, endsAt: Date.now() + deps.policy.soakMs, nextAt: Date.now() + deps.policy.intervalMs };
    else if (end) return end;
  }
}

async function act(deps: SoakDeps, d: Decision, soak: SoakState): Promise<SoakEnd | 'extend' | undefined> {
  switch (d.action) {
    case 'advance':
      return { kind: 'passed' };
    case 'rollback':
      return { kind: 'rollback', reason: d.line };
    case 'pause': {
      // Only at a terminal: still inconclusive after every extension, a person decides.
      const choice = await ask(deps, `stage ${soak.label}: the gates still cannot tell (${d.checks.map((c) => c.reason).join('; ')}). What now?`, soak);
      if (typeof choice === 'object') return answeredBy(choice);
      if (choice === 'continue') return 'extend';
      if (choice === 'rollback') return { kind: 'rollback', reason: `${d.line}; the operator chose to roll back` };
      if (choice === 'pause') return { kind: 'pause', reason: `stage ${soak.label} inconclusive; paused by the operator`, interrupted: false };
      return stopped(deps.interrupts);
    }
    default:
      return undefined;
  }
}

/** Until the next decision is due, waking every second; returns early when the soak must end. */
async function waitFor(deps: SoakDeps, soak: SoakState, view: Pick<LiveView, 'stage' | 'of' | 'weight'>): Promise<SoakEnd | undefined> {
  for (;;) {
    const request = await deps.rollbackRequested();
    if (request) return { kind: 'stopped', request };
    if (deps.interrupts.state === 'stop') return stopped(deps.interrupts);
    if (deps.interrupts.state === 'ask') {
      const choice = await ask(deps, `interrupted during stage ${view.stage}/${view.of} (${soak.label}). What now?`, soak);
      if (typeof choice === 'object') return answeredBy(choice);
      if (choice === 'pause') return { kind: 'pause', reason: `paused by the operator at stage ${soak.label}`, interrupted: true };
      if (choice === 'rollback') return { kind: 'rollback', reason: `the operator chose to roll back at stage ${soak.label}` };
      if (choice !== 'continue') return stopped(deps.interrupts);
      deps.interrupts.resume();
    }
    await tick(deps, soak, view);
    const left = soak.nextAt - Date.now();
    if (left <= 0) return undefined;
    await Promise.race([sleep(Math.min(left, TICK_MS)), deps.interrupts.next()]);
  }
}

/** How often an open question checks for a `migrate rollback` request. */
const PROMPT_WATCH_MS = 250;

type Interruption = { request: RollbackRequest } | { failed: string };

function answeredBy(choice: Interruption): SoakEnd {
  return 'request' in choice ? { kind: 'stopped', request: choice.request } : { kind: 'rollback', reason: `${choice.failed} (while the question was open)` };
}

/**
 * Ask a person, but keep honouring `migrate rollback` while the question is open, and keep the
 * gates deciding: an incident must not wait on an unanswered prompt. A failed gate answers the
 * question with a rollback.
 */
async function ask(deps: SoakDeps, message: string, soak: SoakState): Promise<'pause' | 'rollback' | 'continue' | 'stop' | Interruption> {
  const answered = new AbortController();
  const signal = AbortSignal.any([deps.interrupts.stopSignal, answered.signal]);
  let request: RollbackRequest | undefined;
  let failed: string | undefined;
  let gatesReadAt = Date.now();
  const watch = (async () => {
    while (!signal.aborted) {
      await sleep(PROMPT_WATCH_MS, undefined, { signal }).catch(() => undefined);
      if (signal.aborted) return;
      request = await deps.rollbackRequested();
      if (!request && Date.now() - gatesReadAt >= deps.policy.intervalMs) {
        gatesReadAt = Date.now();
        failed = await gateFailure(deps, soak);
      }
      if (request || failed) answered.abort();
    }
  })();
  await deps.onQuestion?.(true, message);
  try {
    return await askSoakChoice(deps.prompter, message, signal);
  } catch {
    if (request) return { request };
    if (failed) return { failed };
    deps.interrupts.stop('Ctrl-C at the prompt');
    return 'stop';
  } finally {
    answered.abort();
    await watch;
    await deps.onQuestion?.(false, message);
  }
}

/** One gate reading while a question is open: the decision line when the gates fail, else nothing. */
async function gateFailure(deps: SoakDeps, soak: SoakState): Promise<string | undefined> {
  const now = Date.now();
  const window = { ...measureWindow(soak, deps.policy, now), environment: deps.environment, stageIndex: soak.stageIndex, weight: soak.weight };
  const checks = await readChecks(deps.sources, window, deps.limits).catch(() => undefined);
  if (!checks) return undefined;
  const { decision } = decide(soak, deps.policy, checks, now);
  if (decision.outcome !== 'fail') return undefined;
  await deps.onDecision(decision);
  return decision.line;
}

/** Refresh the live line with the live source's figures for the window so far. */
async function tick(deps: SoakDeps, soak: SoakState, view: Pick<LiveView, 'stage' | 'of' | 'weight'>): Promise<void> {
  if (!deps.onTick) return;
  const now = Date.now();
  let target: Figures | undefined;
  let legacy: Figures | undefined;
  if (deps.live) {
    const reading = await deps.live.read({ ...measureWindow(soak, deps.policy, now), environment: deps.environment, stageIndex: soak.stageIndex, weight: soak.weight });
    if (reading.kind === 'measurement') ({ target, legacy } = reading);
  }
  deps.onTick({ ...view, elapsedMs: now - soak.startedAt, soakMs: soak.endsAt - soak.startedAt, target, legacy });
}

function stopped(interrupts: Interrupts): SoakEnd {
  return { kind: 'pause', reason: `interrupted by ${interrupts.cause || 'a signal'}`, interrupted: true };
}
