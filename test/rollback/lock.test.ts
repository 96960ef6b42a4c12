import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { takeRollbackLock } from '../../src/core/rollback/lock.js';
import { readLock } from '../../src/core/state/lock.js';
import { readRollbackRequest } from '../../src/core/state/ramp.js';
import { deadPid, liveProcess, tempDir, writeLock } from './helpers.js';

const stateDirOf = () => path.join(tempDir(), '.migrate');

describe('takeRollbackLock', () => {
  it('takes a free lock, holding our pid and command, and releases it', async () => {
    const stateDir = stateDirOf();
    const taken = await takeRollbackLock({ stateDir, environment: 'canary', timeoutMs: 1000 });
    expect(await readLock(stateDir, 'canary')).toMatchObject({ pid: process.pid, command: 'migrate rollback' });
    expect(taken.takenOver).toBeUndefined();
    await taken.lock.release();
    expect(await readLock(stateDir, 'canary')).toBeUndefined();
  });

  it('takes over the lock of a rollback that was killed, and says whose it was', async () => {
    const stateDir = stateDirOf();
    const pid = await deadPid();
    await writeLock(stateDir, 'canary', { pid, command: 'migrate rollback' });
    const taken = await takeRollbackLock({ stateDir, environment: 'canary', timeoutMs: 1000 });
    expect(taken.takenOver).toMatchObject({ pid, command: 'migrate rollback', reason: 'dead' });
    await taken.lock.release();
  });

  it('refuses a live holder that is not a ramp with exit 3, naming it and what to run', async () => {
    const stateDir = stateDirOf();
    const holder = liveProcess();
    await writeLock(stateDir, 'canary', { pid: holder.pid!, command: 'migrate backup' });
    const err = await takeRollbackLock({ stateDir, environment: 'canary', timeoutMs: 1000 }).catch((e: unknown) => e);
    expect(err).toMatchObject({
      exitCode: 3,
      message: expect.stringContaining(`environment canary is locked by pid ${holder.pid} (migrate backup)`),
      hint: `wait for pid ${holder.pid} to finish or stop it (kill ${holder.pid}), then run \`migrate rollback --env canary\``,
    });
    expect(await readRollbackRequest(stateDir, 'canary')).toBeUndefined(); // a non-ramp is not "told to stop"
  });

  it('refuses a holder on another host (its liveness cannot be seen from here)', async () => {
    const stateDir = stateDirOf();
    const file = await writeLock(stateDir, 'canary', { pid: 1, command: 'migrate ramp', host: 'ci-runner-7' });
    await expect(takeRollbackLock({ stateDir, environment: 'canary', timeoutMs: 1000 })).rejects.toMatchObject({
      exitCode: 3,
      hint: `stop it on ci-runner-7; if that process is gone, delete ${file} and run \`migrate rollback --env canary\``,
    });
  });

  it('tells a running ramp to stop, waits for it to release the lock, then takes it', async () => {
    const stateDir = stateDirOf();
    const ramp = liveProcess();
    const file = await writeLock(stateDir, 'canary', { pid: ramp.pid!, command: 'migrate ramp' });
    const progress: string[] = [];
    const taking = takeRollbackLock({ stateDir, environment: 'canary', timeoutMs: 10_000, pollMs: 50, progressEveryMs: 200, onProgress: (l) => progress.push(l) });
    // The ramp sees the request at its next interval, resets its weight, and lets go.
    let request;
    for (let i = 0; i < 100 && !request; i++) {
      await new Promise((r) => setTimeout(r, 20));
      request = await readRollbackRequest(stateDir, 'canary');
    }
    expect(request).toMatchObject({ by: expect.stringContaining('(migrate rollback)') });
    await new Promise((r) => setTimeout(r, 500));
    await fs.rm(file);
    const taken = await taking;
    expect(taken.stoppedRamp).toMatchObject({ pid: ramp.pid });
    expect(taken.stoppedRamp!.waitedMs).toBeGreaterThanOrEqual(400);
    expect(await readLock(stateDir, 'canary')).toMatchObject({ pid: process.pid, command: 'migrate rollback' });
    expect(progress[0]).toBe(`a ramp of canary is running (pid ${ramp.pid}): asked it to stop; waiting for it to release the lock`);
    expect(progress.some((l) => /still waiting for the ramp \(pid \d+\) to stop: 0s of 10s/.test(l))).toBe(true);
    await taken.lock.release();
  });

  it('gives up on a ramp that does not stop by the deadline: exit 3, nothing changed, how to stop it', async () => {
    const stateDir = stateDirOf();
    const ramp = liveProcess();
    await writeLock(stateDir, 'canary', { pid: ramp.pid!, command: 'migrate ramp' });
    const started = Date.now();
    await expect(takeRollbackLock({ stateDir, environment: 'canary', timeoutMs: 600, pollMs: 50 })).rejects.toMatchObject({
      exitCode: 3,
      message: `the ramp of canary (pid ${ramp.pid}) did not stop within 1s; nothing was changed`,
      hint: `stop it (kill ${ramp.pid}), then run \`migrate rollback --env canary\` again`,
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(550);
    expect(await readLock(stateDir, 'canary')).toMatchObject({ pid: ramp.pid });
  });

  it('stops waiting at once on Ctrl-C (exit 130)', async () => {
    const stateDir = stateDirOf();
    const ramp = liveProcess();
    await writeLock(stateDir, 'canary', { pid: ramp.pid!, command: 'migrate ramp' });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    await expect(takeRollbackLock({ stateDir, environment: 'canary', timeoutMs: 30_000, pollMs: 50, signal: controller.signal })).rejects.toMatchObject({ exitCode: 130 });
    // "Nothing was changed": the ramp must not stop later for a rollback that was cancelled.
    expect(await readRollbackRequest(stateDir, 'canary')).toBeUndefined();
  });
});
