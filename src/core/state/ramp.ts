import { promises as fs } from 'node:fs';
import path from 'node:path';
import * as z from '../zod.js';
import { type MigrateError, UsageError } from '../../errors.js';
import { writeFileAtomic } from '../fs/atomic.js';
import type { Decision } from '../gates/controller.js';
import { ensurePrivateDir, rampStateFile } from './paths.js';
import { assertStateDirTrusted, assertTrusted } from './trust.js';

// The ramp of one environment as a file (.migrate/state/<env>.json), rewritten atomically after
// every transition so a crash, a Ctrl-C or a reboot leaves a state `--resume` can continue from.
// Transitions are pure (state in, state out, time passed in); load/save are the only I/O.

export type RampStatus = 'running' | 'paused' | 'completed' | 'rolled-back' | 'failed';
/** applying: the driver was asked for the weight but did not confirm it yet. */
export type StageStatus = 'pending' | 'applying' | 'soaking' | 'passed' | 'failed';

// Built on first parse, not at import: most commands that import this module (and a rollback with
// no ramp to stop) never read a ramp state, and building these schemas cost a few ms of start-up.
function buildSchemas() {
  const figures = z.object({
    requests: z.optional(z.number()),
    errors: z.optional(z.number()),
    errorRate: z.optional(z.number()),
    p95Ms: z.optional(z.number()),
    authFailures: z.optional(z.number()),
    // Real traffic (the gateway source).
    errorKinds: z.optional(z.object({ server: z.number(), rateLimited: z.number(), connect: z.number(), timeout: z.number() })),
    p50Ms: z.optional(z.number()),
    p99Ms: z.optional(z.number()),
    ttfbP50Ms: z.optional(z.number()),
    ttfbP95Ms: z.optional(z.number()),
    nodes: z.optional(z.record(z.string(), z.object({ requests: z.number(), errors: z.number() }))),
  });

  /** The statistical tests behind a check (p-values, U, n), as --json and status show them. */
  const tests = z.object({
    errors: z.optional(z.object({ binomialP: z.optional(z.number()), fisherP: z.optional(z.number()) })),
    latency: z.optional(z.object({ u: z.number(), p: z.number(), n1: z.number(), n2: z.number(), statistic: z.string(), ratio: z.number() })),
  });

  const gateRecord = z.object({
    at: z.string(),
    stage: z.number().check(z.int()),
    weight: z.number(),
    outcome: z.enum(['pass', 'fail', 'inconclusive', 'error']),
    action: z.enum(['continue', 'extend', 'advance', 'rollback', 'pause']),
    line: z.string(),
    checks: z.array(
      z.object({
        source: z.string(),
        outcome: z.enum(['pass', 'fail', 'inconclusive', 'error']),
        reason: z.string(),
        target: z.optional(figures),
        legacy: z.optional(figures),
        tests: z.optional(tests),
      }),
    ),
  });

  const stageRecord = z.object({
    weight: z.number(),
    /** A shadow stage (weight 0): the percent of requests copied to target. */
    mirror: z.optional(z.number()),
    status: z.enum(['pending', 'applying', 'soaking', 'passed', 'failed']),
    startedAt: z.optional(z.string()),
    endedAt: z.optional(z.string()),
  });

  const rollbackRequest = z.object({ at: z.string(), by: z.string(), reason: z.optional(z.string()) });

  const rampStateSchema = z.object({
    version: z.literal(1),
    environment: z.string(),
    status: z.enum(['running', 'paused', 'completed', 'rolled-back', 'failed']),
    stages: z.array(stageRecord).check(z.minLength(1)),
    /** Index of the stage in progress; stages.length once every stage passed. */
    current: z.number().check(z.int(), z.nonnegative()),
    /** The weight the driver last reported applying (what traffic sees now). */
    appliedWeight: z.number(),
    driver: z.string(),
    backupId: z.optional(z.string()),
    lock: z.optional(z.object({ pid: z.number(), host: z.string(), command: z.string(), time: z.string() })),
    startedAt: z.string(),
    updatedAt: z.string(),
    endedAt: z.optional(z.string()),
    /** Why the ramp paused, rolled back or failed. */
    reason: z.optional(z.string()),
    gates: z.array(gateRecord),
    rollbackRequested: z.optional(rollbackRequest),
  });
  return { rampStateSchema, gateRecord, rollbackRequest };
}

let built: Schemas | undefined;
const schemas = () => (built ??= buildSchemas());

type Schemas = ReturnType<typeof buildSchemas>;
export type RampState = z.output<Schemas['rampStateSchema']>;
export type GateRecord = z.output<Schemas['gateRecord']>;
export type RollbackRequest = z.output<Schemas['rollbackRequest']>;
export type LockHolder = NonNullable<RampState['lock']>;

/** Old decisions are dropped past this, so a long soak cannot grow the file without bound. */
export const MAX_GATE_RECORDS = 500;

const iso = (ms: number) => new Date(ms).toISOString();

// ---- transitions ----

export interface NewRamp {
  environment: string;
  stages: number[];
  /** Stage 1 is a shadow stage copying this percent of requests to target. */
  shadow?: number;
  driver: string;
  backupId?: string;
  lock?: LockHolder;
  now: number;
}

export function newRamp(r: NewRamp): RampState {
  return {
    version: 1,
    environment: r.environment,
    status: 'running',
    stages: r.stages.map((weight, i) => ({ weight, status: 'pending' as const, ...(i === 0 && r.shadow ? { mirror: r.shadow } : {}) })),
    current: 0,
    appliedWeight: 0,
    driver: r.driver,
    backupId: r.backupId,
    lock: r.lock,
    startedAt: iso(r.now),
    updatedAt: iso(r.now),
    gates: [],
  };
}

/** About to ask the driver for stage `index`'s weight. */
export function stageApplying(s: RampState, index: number, now: number): RampState {
  return withStage(touch(s, now), index, { status: 'applying', startedAt: iso(now), endedAt: undefined }, { current: index });
}

/** The driver confirmed; `weight` is what it reports having applied. The soak starts now. */
export function weightApplied(s: RampState, weight: number, now: number): RampState {
  return withStage({ ...touch(s, now), appliedWeight: weight }, s.current, { status: 'soaking' });
}

export function decisionRecorded(s: RampState, d: Decision): RampState {
  const record: GateRecord = {
    at: iso(d.at),
    stage: d.stageIndex,
    weight: d.weight,
    outcome: d.outcome,
    action: d.action,
    line: d.line,
    checks: d.checks.map((c) => ({ source: c.source, outcome: c.outcome, reason: c.reason, target: c.target, legacy: c.legacy, ...(c.tests ? { tests: c.tests } : {}) })),
  };
  return { ...touch(s, d.at), gates: [...s.gates, record].slice(-MAX_GATE_RECORDS) };
}

/** The current stage's soak passed: move on (current === stages.length once all passed). */
export function stagePassed(s: RampState, now: number): RampState {
  const next = withStage(touch(s, now), s.current, { status: 'passed', endedAt: iso(now) });
  return { ...next, current: s.current + 1 };
}

/** A paused ramp holds no lock: `--resume` (or a rollback) takes it again. */
export function rampPaused(s: RampState, reason: string, now: number): RampState {
  return { ...touch(s, now), status: 'paused', reason, lock: undefined };
}

/**
 * A resumed ramp belongs to the process holding the lock now. A rollback requested while it was
 * stopped stays set: the resumed ramp must honour it, not forget it.
 */
export function rampResumed(s: RampState, lock: LockHolder | undefined, now: number): RampState {
  return { ...touch(s, now), status: 'running', reason: undefined, lock };
}

/**
 * `migrate rollback` asked this ramp to stop and is waiting for the lock to restore the backup.
 * Traffic is still where the ramp left it until that rollback completes (it records
 * `rolled-back`); if it never does, the state must not claim traffic is back on legacy.
 */
export function rampStoppedForRollback(s: RampState, reason: string, now: number): RampState {
  return rampPaused(s, reason, now);
}

/** Traffic is back on legacy; `appliedWeight` is what the driver reported after resetting. */
export function rampRolledBack(s: RampState, reason: string, now: number, appliedWeight = 0): RampState {
  const stage = s.current < s.stages.length ? withStage(s, s.current, { status: 'failed', endedAt: iso(now) }) : s;
  return { ...touch(stage, now), status: 'rolled-back', reason, appliedWeight, endedAt: iso(now), lock: undefined };
}

/** Something broke that could not be undone by itself (a rollback that did not complete): a person must act. */
export function rampFailed(s: RampState, reason: string, now: number): RampState {
  return { ...touch(s, now), status: 'failed', reason, endedAt: iso(now), lock: undefined };
}

export function rampCompleted(s: RampState, now: number): RampState {
  return { ...touch(s, now), status: 'completed', current: s.stages.length, reason: undefined, endedAt: iso(now), lock: undefined };
}

function touch(s: RampState, now: number): RampState {
  return { ...s, updatedAt: iso(now) };
}

function withStage(s: RampState, index: number, patch: Partial<RampState['stages'][number]>, top: Partial<RampState> = {}): RampState {
  if (index < 0 || index >= s.stages.length) throw new RangeError(`no stage ${index} in a ramp of ${s.stages.length}`);
  const stages = s.stages.map((st, i) => (i === index ? { ...st, ...patch } : st));
  return { ...s, ...top, stages };
}

// ---- starting and resuming ----

/** A fresh ramp is refused while another one is unfinished: it would forget where traffic is. */
export function assertCanStart(existing: RampState | undefined, environment: string): void {
  if (!existing || existing.status === 'completed' || existing.status === 'rolled-back') return;
  if (existing.status === 'failed') {
    throw new UsageError(`the last ramp of ${environment} failed and was not rolled back: ${existing.reason ?? 'see migrate status'}`, {
      hint: `run \`migrate rollback --env ${environment}\` first`,
    });
  }
  const at = existing.stages[existing.current];
  throw new UsageError(`a ramp of ${environment} is already ${existing.status}${at === undefined ? '' : ` at stage ${at.mirror ? `shadow ${at.mirror}` : at.weight}%`}`, {
    hint: `continue it with \`migrate ramp --env ${environment} --resume\` or undo it with \`migrate rollback --env ${environment}\``,
  });
}

export interface ResumePoint {
  /** First stage not yet passed; stages.length means only the final check and completion remain. */
  stageIndex: number;
  /** Weight traffic is at now (the driver's last report), to say what resuming changes. */
  appliedWeight: number;
}

/**
 * Where `--resume` continues: the first stage that did not pass. A stage that was soaking
 * starts its soak again (half a soak proves nothing) and its weight is applied again (drivers
 * are idempotent, and a reboot may have reset it); passed stages are never repeated.
 */
export function resumePoint(s: RampState): ResumePoint {
  if (s.status === 'completed') throw new UsageError(`the ramp of ${s.environment} has completed: nothing to resume`);
  if (s.status === 'rolled-back') {
    throw new UsageError(`the ramp of ${s.environment} was rolled back (${s.reason ?? 'no reason recorded'}): nothing to resume`, {
      hint: `start a new one with \`migrate ramp --env ${s.environment}\``,
    });
  }
  if (s.status === 'failed') {
    throw new UsageError(`the ramp of ${s.environment} failed: ${s.reason ?? 'see migrate status'}`, {
      hint: `run \`migrate rollback --env ${s.environment}\`, then start a new ramp`,
    });
  }
  if (s.rollbackRequested) {
    // Nobody is waiting for this ramp's lock any more (a waiting rollback takes a dead holder's
    // lock itself): the request was never carried out, and resuming would push traffic on.
    throw new UsageError(`a rollback of ${s.environment} was requested by ${s.rollbackRequested.by} at ${s.rollbackRequested.at} and has not completed`, {
      hint: `run \`migrate rollback --env ${s.environment}\` to finish it`,
    });
  }
  const firstOpen = s.stages.findIndex((st) => st.status !== 'passed');
  return { stageIndex: firstOpen === -1 ? s.stages.length : firstOpen, appliedWeight: s.appliedWeight };
}

// ---- files ----

/** The saved state with any pending rollback request folded in; undefined when there is none. */
export async function loadRampState(stateDir: string, environment: string): Promise<RampState | undefined> {
  const file = rampStateFile(stateDir, environment);
  await assertStateDirTrusted(stateDir);
  await assertTrusted(stateDir, file, requestFile(stateDir, environment));
  const text = await fs.readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  if (text === undefined) return undefined;
  const state = parseRampState(text, file);
  // The request file is the truth: a copy saved in the state once must not outlive it.
  const request = await readRollbackRequest(stateDir, environment);
  return { ...state, rollbackRequested: request };
}

export function parseRampState(text: string, file: string): RampState {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw corrupt(file, 'not valid JSON');
  }
  const parsed = schemas().rampStateSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw corrupt(file, `${issue.path.join('.') || '(top)'}: ${issue.message}`);
  }
  return parsed.data;
}

function corrupt(file: string, why: string): MigrateError {
  return new UsageError(`${file} is not a readable ramp state (${why})`, {
    hint: 'move it aside to start over; run `migrate rollback` first if traffic may still be on target',
  });
}

/** Atomic (a reader sees the old or the new state, never half) and private: it names hosts and users. */
export async function saveRampState(stateDir: string, state: RampState): Promise<void> {
  const file = rampStateFile(stateDir, state.environment);
  await assertStateDirTrusted(stateDir);
  await ensurePrivateDir(path.dirname(file));
  await writeFileAtomic(file, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600, private: true });
}

// ---- the rollback request another process can make ----
// It lives in its own file: if `migrate rollback` rewrote the state file, the running ramp's
// next save would silently overwrite the request. A separate file cannot be lost that way.

function requestFile(stateDir: string, environment: string): string {
  return rampStateFile(stateDir, environment).replace(/\.json$/, '.rollback-requested.json');
}

/** Tell a running ramp of `environment` to stop and roll back at its next interval. */
export async function requestRollback(stateDir: string, environment: string, request: RollbackRequest): Promise<void> {
  const file = requestFile(stateDir, environment);
  await assertStateDirTrusted(stateDir);
  await ensurePrivateDir(path.dirname(file));
  await writeFileAtomic(file, `${JSON.stringify(request)}\n`, { mode: 0o600, private: true });
}

/** Cheap enough to call every interval. */
export async function readRollbackRequest(stateDir: string, environment: string): Promise<RollbackRequest | undefined> {
  const text = await fs.readFile(requestFile(stateDir, environment), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const parsed = schemas().rollbackRequest.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : { at: new Date().toISOString(), by: 'unknown' };
  } catch {
    // Half-written requests cannot happen (atomic writes); garbage still means "stop".
    return { at: new Date().toISOString(), by: 'unknown' };
  }
}

/** Called by a new ramp (or after the request was honoured) so an old request does not stop it. */
export async function clearRollbackRequest(stateDir: string, environment: string): Promise<void> {
  await fs.rm(requestFile(stateDir, environment), { force: true });
}
