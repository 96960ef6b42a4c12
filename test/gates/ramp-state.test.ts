// The ramp state machine (src/core/state/ramp.ts): transitions, resume from each state, files.
import { readFile, stat, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { decide, startSoak } from '../../src/core/gates/controller.js';
import {
  assertCanStart,
  clearRollbackRequest,
  decisionRecorded,
  loadRampState,
  newRamp,
  rampCompleted,
  rampFailed,
  rampPaused,
  rampResumed,
  rampRolledBack,
  rampStoppedForRollback,
  requestRollback,
  resumePoint,
  saveRampState,
  stageApplying,
  stagePassed,
  weightApplied,
  MAX_GATE_RECORDS,
  type RampState,
} from '../../src/core/state/ramp.js';
import { tempProject } from '../helpers/project.js';

const T0 = Date.parse('2026-01-01T10:00:00Z');
const fresh = () => newRamp({ environment: 'canary', stages: [5, 20, 50, 100], driver: 'env', backupId: 'b1', now: T0 });

/** Pass stages [0, n) and start stage n soaking. */
function soakingAt(n: number): RampState {
  let s = fresh();
  for (let i = 0; i < n; i++) s = stagePassed(weightApplied(stageApplying(s, i, T0 + i), s.stages[i]!.weight, T0 + i), T0 + i);
  return weightApplied(stageApplying(s, n, T0 + n), s.stages[n]!.weight, T0 + n);
}

describe('ramp state transitions', () => {
  it('starts running at stage 0 with nothing applied', () => {
    expect(fresh()).toMatchObject({ status: 'running', current: 0, appliedWeight: 0, backupId: 'b1', startedAt: '2026-01-01T10:00:00.000Z' });
    expect(fresh().stages.map((s) => s.status)).toEqual(['pending', 'pending', 'pending', 'pending']);
  });

  it('walks a stage through applying, soaking and passed', () => {
    let s = stageApplying(fresh(), 0, T0 + 1000);
    expect(s.stages[0]).toMatchObject({ status: 'applying', startedAt: '2026-01-01T10:00:01.000Z' });
    s = weightApplied(s, 5, T0 + 2000);
    expect(s).toMatchObject({ appliedWeight: 5, stages: [{ status: 'soaking' }, {}, {}, {}] });
    s = stagePassed(s, T0 + 62_000);
    expect(s).toMatchObject({ current: 1, stages: [{ status: 'passed', endedAt: '2026-01-01T10:01:02.000Z' }, {}, {}, {}] });
  });

  it('records each decision with its figures and reason', () => {
    const policy = { soakMs: 60_000, intervalMs: 10_000, maxExtensions: 2, maxSourceErrors: 3, errorRetryMs: 2000, interactive: false };
    const checks = [{ source: 'probes', outcome: 'fail' as const, reason: 'error rate 4.1% > 1.0% over 212 requests', target: { requests: 212, errors: 9, p95Ms: 400 } }];
    const { decision } = decide(startSoak(policy, 1, 20, T0), policy, checks, T0 + 10_000);
    const s = decisionRecorded(soakingAt(1), decision);
    expect(s.gates).toEqual([
      {
        at: '2026-01-01T10:00:10.000Z',
        stage: 1,
        weight: 20,
        outcome: 'fail',
        action: 'rollback',
        line: 'stage 20%: error rate 4.1% > 1.0% over 212 requests → rolling back',
        checks,
      },
    ]);
  });

  it('keeps only the newest gate records', () => {
    let s = fresh();
    const d = { at: T0, stageIndex: 0, weight: 5, outcome: 'pass' as const, action: 'continue' as const, line: 'x', checks: [] };
    for (let i = 0; i < MAX_GATE_RECORDS + 5; i++) s = decisionRecorded(s, { ...d, line: String(i) });
    expect(s.gates).toHaveLength(MAX_GATE_RECORDS);
    expect(s.gates[0]!.line).toBe('5');
  });

  it('a rollback marks the stage failed, records why and the weight now applied', () => {
    const s = rampRolledBack(soakingAt(1), 'stage 20%: error rate 4.1% > 1.0%', T0 + 99);
    expect(s).toMatchObject({ status: 'rolled-back', appliedWeight: 0, reason: 'stage 20%: error rate 4.1% > 1.0%', lock: undefined });
    expect(s.stages.map((x) => x.status)).toEqual(['passed', 'failed', 'pending', 'pending']);
  });

  it('completes with every stage passed', () => {
    let s = soakingAt(3);
    s = rampCompleted(stagePassed(s, T0 + 9), T0 + 10);
    expect(s).toMatchObject({ status: 'completed', current: 4, appliedWeight: 100 });
  });
});

describe('resume from each state', () => {
  it('running (crashed) mid-soak: repeats that stage, never the passed ones', () => {
    expect(resumePoint(soakingAt(2))).toEqual({ stageIndex: 2, appliedWeight: 50 });
  });

  it('crashed while applying a weight: applies it again', () => {
    const s = stageApplying(stagePassed(weightApplied(stageApplying(fresh(), 0, T0), 5, T0), T0), 1, T0);
    expect(resumePoint(s)).toEqual({ stageIndex: 1, appliedWeight: 5 });
  });

  it('paused: continues at the paused stage and takes the new lock', () => {
    const paused = rampPaused(soakingAt(1), 'still inconclusive', T0);
    expect(resumePoint(paused).stageIndex).toBe(1);
    const lock = { pid: 42, host: 'h', command: 'migrate ramp --resume', time: 't' };
    expect(rampResumed(paused, lock, T0 + 1)).toMatchObject({ status: 'running', reason: undefined, lock });
  });

  it('all stages passed but not recorded complete: only the finish remains', () => {
    expect(resumePoint(stagePassed(soakingAt(3), T0)).stageIndex).toBe(4);
  });

  it('a fresh ramp before any stage starts at 0', () => {
    expect(resumePoint(fresh()).stageIndex).toBe(0);
  });

  it('completed, rolled back and failed ramps cannot be resumed, and say what to do', () => {
    expect(() => resumePoint(rampCompleted(soakingAt(3), T0))).toThrow('the ramp of canary has completed: nothing to resume');
    expect(() => resumePoint(rampRolledBack(soakingAt(1), 'gate failed', T0))).toThrow('was rolled back (gate failed)');
    try {
      resumePoint(rampFailed(soakingAt(1), 'compose up failed', T0));
      expect.unreachable();
    } catch (err) {
      expect(err).toMatchObject({ exitCode: 2, hint: 'run `migrate rollback --env canary`, then start a new ramp' });
    }
  });

  it('a ramp stopped for a rollback that never completed cannot be resumed: the rollback must finish first', () => {
    const stopped = { ...rampStoppedForRollback(soakingAt(1), 'stopped for a rollback requested by alice', T0), rollbackRequested: { at: 'x', by: 'alice (migrate rollback)' } };
    expect(stopped).toMatchObject({ status: 'paused', appliedWeight: 20, lock: undefined }); // traffic is still at 20 %
    expect(() => resumePoint(stopped)).toThrow(expect.objectContaining({ exitCode: 2, hint: 'run `migrate rollback --env canary` to finish it' }));
  });

  it('a fresh ramp is refused while one is running, paused or failed', () => {
    expect(() => assertCanStart(undefined, 'canary')).not.toThrow();
    expect(() => assertCanStart(rampCompleted(soakingAt(3), T0), 'canary')).not.toThrow();
    expect(() => assertCanStart(rampRolledBack(soakingAt(1), 'x', T0), 'canary')).not.toThrow();
    expect(() => assertCanStart(soakingAt(1), 'canary')).toThrow('a ramp of canary is already running at stage 20%');
    expect(() => assertCanStart(rampPaused(soakingAt(2), 'x', T0), 'canary')).toThrow('already paused at stage 50%');
    expect(() => assertCanStart(rampFailed(soakingAt(2), 'x', T0), 'canary')).toThrow('failed and was not rolled back');
  });
});

describe('state files', () => {
  let dir: string;
  beforeEach(() => {
    dir = tempProject('migrate-ramp-state-');
  });

  it('saves to state/<env>.json, private, and loads back the same state', async () => {
    const s = soakingAt(1);
    await saveRampState(dir, s);
    const file = path.join(dir, 'state', 'canary.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(path.join(dir, 'state'))).mode & 0o777).toBe(0o700);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(JSON.parse(JSON.stringify(s)));
    expect(await loadRampState(dir, 'canary')).toEqual(JSON.parse(JSON.stringify(s)));
  });

  it('no file means no ramp', async () => {
    expect(await loadRampState(dir, 'canary')).toBeUndefined();
  });

  it('a corrupted file is an error naming it, with what to do', async () => {
    await mkdir(path.join(dir, 'state'));
    await writeFile(path.join(dir, 'state', 'canary.json'), '{"version":1,"status":"weird"}');
    // zod's own wording, in English (src/core/zod.ts sets the locale zod/mini leaves out).
    await expect(loadRampState(dir, 'canary')).rejects.toThrow(
      /state\/canary\.json is not a readable ramp state \(environment: Invalid input: expected string, received undefined\)$/,
    );
    await writeFile(path.join(dir, 'state', 'canary.json'), '{"vers');
    await expect(loadRampState(dir, 'canary')).rejects.toThrow('is not a readable ramp state (not valid JSON)');
  });

  it('a rollback request from another process survives the ramp saving its own state', async () => {
    await saveRampState(dir, soakingAt(1));
    await requestRollback(dir, 'canary', { at: '2026-01-01T10:05:00.000Z', by: 'alice (migrate rollback)' });
    await saveRampState(dir, soakingAt(1)); // the running ramp writes again, unaware
    expect((await loadRampState(dir, 'canary'))?.rollbackRequested).toEqual({ at: '2026-01-01T10:05:00.000Z', by: 'alice (migrate rollback)' });
    await clearRollbackRequest(dir, 'canary');
    expect((await loadRampState(dir, 'canary'))?.rollbackRequested).toBeUndefined();
  });
});
