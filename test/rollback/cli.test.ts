import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackup } from '../../src/core/state/backups.js';
import { bootId } from '../../src/core/state/lock.js';
import { newRamp, saveRampState, loadRampState } from '../../src/core/state/ramp.js';
import { startFakeProvider, type FakeProvider } from '../helpers/fake-provider.js';
import { auditLines, legacyText, makeProject, migrate, migrateAtTerminal, pointAtTarget, stateText, targetText, type Project, type ProjectOptions } from './cli.js';
import { KEYS, deadPid, tempDir, writeLock } from './helpers.js';

let legacy: FakeProvider;
let target: FakeProvider;
let opts: ProjectOptions;

beforeAll(async () => {
  legacy = await startFakeProvider({ name: 'legacy', apiKey: KEYS.legacy });
  target = await startFakeProvider({ name: 'target', apiKey: KEYS.target });
  opts = { legacyUrl: legacy.url, targetUrl: target.url };
});
afterAll(async () => {
  await legacy?.close();
  await target?.close();
});

/**
 * A PATH with stand-ins for docker and docker-compose that record every call. Compose detection
 * finds "v1" and `config` lists the one service `app`; nothing else is expected to run in these
 * tests, and the log proves it.
 */
async function shimPath(dir: string): Promise<{ PATH: string; calls: () => Promise<string[]> }> {
  const bin = path.join(dir, 'bin');
  const log = path.join(dir, 'calls.log');
  await fs.mkdir(bin);
  const script = (name: string, version: string) =>
    `#!/bin/sh\necho "${name} $*" >> ${JSON.stringify(log)}\nif [ "$1" = version ]; then echo "${version}"; exit 0; fi\ncase " $* " in *" config "*) printf 'services:\\n  app: {}\\n'; exit 0 ;; esac\nexit 1\n`;
  await fs.writeFile(path.join(bin, 'docker-compose'), script('docker-compose', 'docker-compose version 1.29.2, build unknown'), { mode: 0o755 });
  await fs.writeFile(path.join(bin, 'docker'), `#!/bin/sh\necho "docker $*" >> ${JSON.stringify(log)}\nexit 1\n`, { mode: 0o755 });
  const calls = async () => (await fs.readFile(log, 'utf8').catch(() => '')).split('\n').filter(Boolean);
  return { PATH: `${bin}:${process.env.PATH}`, calls };
}

async function backedUp(p: Project) {
  const files = p.envFiles.map((absolute) => ({ path: path.relative(p.dir, absolute), absolute }));
  return createBackup({ stateDir: p.stateDir, environment: 'canary', files, toolVersion: 'test' });
}

async function contents(p: Project): Promise<string[]> {
  return Promise.all(p.envFiles.map((f) => fs.readFile(f, 'utf8')));
}

function expectNoSecrets(...texts: string[]) {
  for (const text of texts) for (const key of Object.values(KEYS)) expect(text).not.toContain(key);
}

describe('migrate rollback (no docker)', () => {
  it('with no backup: exit 3 and how to list backups; nothing touched', async () => {
    const p = await makeProject(tempDir(), opts);
    await pointAtTarget(p, opts);
    const r = await migrate(p, ['rollback', '--env', 'canary', '--yes']);
    expect(r.exitCode).toBe(3);
    expect(r.stderr.split('\n')[0]).toBe('error: no backup of canary to roll back to; list backups with `migrate backup list --env canary`');
    expect(await contents(p)).toEqual([targetText(opts)]);
  });

  it('refuses a corrupted backup (exit 3), names the file, and leaves the env files untouched', async () => {
    const p = await makeProject(tempDir(), { ...opts, files: 2 });
    const backup = await backedUp(p);
    await pointAtTarget(p, { ...opts });
    const copy = path.join(backup.dir, backup.manifest.files[1]!.stored);
    await fs.writeFile(copy, (await fs.readFile(copy, 'utf8')).replace('LLM_TARGET_WEIGHT=0', 'LLM_TARGET_WEIGHT=9'));
    const before = await contents(p);
    const r = await migrate(p, ['rollback', '--env', 'canary', '--yes']);
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toContain(`backup ${backup.id} is corrupted; refusing to restore it`);
    expect(r.stderr).toContain('env/.env.canary.1');
    expect(await contents(p)).toEqual(before);
    expect(await auditLines(p)).toEqual([expect.objectContaining({ command: 'rollback', result: 'refused', details: expect.objectContaining({ backup: backup.id }) })]);
  });

  it('refuses (exit 3) to restore an older backup when the newest is damaged, names it, touches nothing; --to the older one works', async () => {
    const dir = tempDir();
    const shim = await shimPath(dir);
    const p = await makeProject(dir, { ...opts, compose: '{ files: [docker-compose.yml], services: [app] }' });
    const older = await backedUp(p);
    await pointAtTarget(p, opts);
    const newest = await backedUp(p); // the state the operator means: already on target, say with a rotated key
    await fs.writeFile(path.join(newest.dir, 'manifest.json'), '\0\0garbage');
    const [file] = p.envFiles;
    const before = await fs.stat(file!);

    const r = await migrate(p, ['rollback', '--env', 'canary', '--yes'], { PATH: shim.PATH });
    expect(r.exitCode).toBe(3);
    expect(r.stderr.split('\n')[0]).toBe(
      `error: the newest backup of canary, ${newest.id}, is damaged (manifest.json is not valid JSON); refusing to restore an older one by default`,
    );
    expect(r.stderr).toContain(`if that is the state you want, run \`migrate rollback --env canary --to ${older.id}\``);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(await contents(p)).toEqual([targetText(opts)]);
    const after = await fs.stat(file!);
    expect([after.ino, after.mode, after.mtimeMs]).toEqual([before.ino, before.mode, before.mtimeMs]);
    expect((await shim.calls()).filter((c) => / up |restart|rm /.test(c))).toEqual([]);
    // No lock or ramp state taken; only the audit line saying it refused.
    expect((await fs.readdir(p.stateDir, { recursive: true })).filter((f) => /^(locks|state)\//.test(f))).toEqual([]);
    expect(await auditLines(p)).toEqual([expect.objectContaining({ command: 'rollback', result: 'refused' })]);
    expectNoSecrets(r.stdout, r.stderr, await stateText(p));

    const chosen = await migrate(p, ['rollback', '--env', 'canary', '--yes', '--no-restart', '--to', older.id], { PATH: shim.PATH });
    expect(chosen.exitCode, chosen.stderr).toBe(0);
    expect(await contents(p)).toEqual([legacyText(opts, 0)]);
    expect((await fs.stat(file!)).mode & 0o777).toBe(0o600);
  });

  it('in CI without --yes: shows the change, refuses with exit 2, changes nothing and disturbs no ramp', async () => {
    const p = await makeProject(tempDir(), opts);
    await backedUp(p);
    await pointAtTarget(p, opts);
    const r = await migrate(p, ['rollback', '--env', 'canary'], { CI: 'true' });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('error: rollback needs --yes: it asks for confirmation before restoring the env files, and CI is set, so nobody can answer\n');
    expect(r.stderr).toContain('hint: review the change with `migrate rollback --env canary --dry-run`, then run `migrate rollback --env canary --yes`');
    expect(r.stderr).toContain('  env/.env.canary: change LLM_TARGET_WEIGHT, OPENAI_API_KEY, OPENAI_BASE_URL\n');
    expect(await contents(p)).toEqual([targetText(opts)]);
    const state = await fs.readdir(p.stateDir, { recursive: true });
    expect(state.filter((f) => /^(locks|state)\//.test(f))).toEqual([]);
    expectNoSecrets(r.stdout, r.stderr);
  });

  it('--dry-run prints the file changes and the compose command, and changes nothing', async () => {
    const dir = tempDir();
    const shim = await shimPath(dir);
    const p = await makeProject(dir, { ...opts, compose: '{ files: [docker-compose.yml], services: [app], projectName: shop }' });
    await backedUp(p);
    await pointAtTarget(p, opts);
    legacy.resetCounts();
    const r = await migrate(p, ['rollback', '--env', 'canary', '--dry-run'], { PATH: shim.PATH });
    expect(r.exitCode).toBe(0);
    expect(r.stdout.split('\n')).toEqual([
      expect.stringMatching(/^would restore canary from \d{8}T\d{6}\.\d{3}Z-canary-[0-9a-f]{4}:$/),
      '  env/.env.canary: change LLM_TARGET_WEIGHT, OPENAI_API_KEY, OPENAI_BASE_URL',
      `would run: docker-compose -f ${path.join(dir, 'docker-compose.yml')} -p shop up -d --no-deps --force-recreate app`,
      'then verify that legacy answers (models and one chat)',
      '',
    ]);
    expect(await contents(p)).toEqual([targetText(opts)]);
    // Detection only: the compose files are read directly (no `compose config` for a plain file).
    expect(await shim.calls()).toEqual(['docker compose version', 'docker-compose version']);
    expect((await auditLines(p)).filter((l) => l.command === 'rollback')).toEqual([]);
    expect(legacy.count()).toBe(0);
    expectNoSecrets(r.stdout, r.stderr);
  });

  it('still rolls back when the target key is not set (the incident where the target is gone)', async () => {
    const p = await makeProject(tempDir(), opts);
    await backedUp(p);
    await pointAtTarget(p, opts);
    const unset = { TARGET_API_KEY: undefined } as unknown as Record<string, string>; // spawn drops undefined values
    const r = await migrate(p, ['rollback', '--env', 'canary', '--yes', '--no-restart'], unset);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toContain('providers.target.apiKey: ${TARGET_API_KEY} is not set (not needed here; ignored)');
    expect(await contents(p)).toEqual([legacyText(opts, 0)]);
  });

  it('--no-restart restores the files only, verifies legacy, prints one JSON document and audits without secrets', async () => {
    const dir = tempDir();
    const shim = await shimPath(dir);
    const p = await makeProject(dir, { ...opts, files: 2, compose: '{ files: [docker-compose.yml], services: [app] }' });
    const backup = await backedUp(p);
    await pointAtTarget(p, opts);
    await fs.rm(p.envFiles[1]!); // a deleted file comes back with its old mode
    legacy.resetCounts();
    const r = await migrate(p, ['rollback', '--env', 'canary', '--yes', '--no-restart', '--json', '--verbose'], { PATH: shim.PATH });
    expect(r.stderr).not.toContain('error');
    expect(r.exitCode).toBe(0);
    // --verbose says where the time went, one line on stderr (stdout stays one JSON document).
    expect(r.stderr).toMatch(
      /^timings \(ms\): start-up \d+, plan \d+, lock \d+, restore \d+, traffic \d+, compose up 0, readiness 0, verification [1-9]\d*; \d+ since the process started$/m,
    );
    expect(await contents(p)).toEqual([legacyText(opts, 0), legacyText(opts, 1)]);
    expect((await fs.stat(p.envFiles[1]!)).mode & 0o777).toBe(0o600);
    expect(await shim.calls()).toEqual([]); // compose never ran, not even detection
    expect(legacy.count({ path: '/v1/models', authorized: true })).toBe(1);
    expect(legacy.count({ path: '/v1/chat/completions', authorized: true })).toBe(1);

    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({
      ok: true,
      environment: 'canary',
      backup: { id: backup.id, reason: 'newest' },
      files: [
        { path: 'env/.env.canary', changedKeys: ['LLM_TARGET_WEIGHT', 'OPENAI_API_KEY', 'OPENAI_BASE_URL'], restored: true },
        { path: 'env/.env.canary.1', restored: true },
      ],
      compose: { command: null, recreated: false },
      verify: { ok: true, provider: 'legacy', pointsAt: 'legacy', models: { status: 'pass' }, chat: { status: 'pass' } },
      durationMs: expect.any(Number),
      timings: { composeMs: 0 },
    });
    const audit = (await auditLines(p)).filter((l) => l.command === 'rollback');
    expect(audit).toEqual([
      expect.objectContaining({
        result: 'ok',
        environment: 'canary',
        durationMs: expect.any(Number),
        user: expect.any(String),
        details: expect.objectContaining({ backup: backup.id }),
      }),
    ]);
    const manifest = await fs.readFile(path.join(backup.dir, 'manifest.json'), 'utf8');
    expectNoSecrets(r.stdout, r.stderr, await stateText(p), manifest);
  });

  it('restores the backup the ramp recorded, takes over a dead ramp’s lock, and marks the ramp rolled back', async () => {
    const p = await makeProject(tempDir(), opts);
    const beforeRamp = await backedUp(p);
    await pointAtTarget(p, opts);
    await backedUp(p); // taken mid-ramp: points at target; the newest, but not the one to restore
    const pid = await deadPid();
    await saveRampState(p.stateDir, newRamp({ environment: 'canary', stages: [5, 100], driver: 'env', backupId: beforeRamp.id, now: Date.now() }));
    await writeLock(p.stateDir, 'canary', { pid, command: 'migrate ramp' });
    const r = await migrate(p, ['rollback', '--env', 'canary', '--yes']);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toContain(`backup ${beforeRamp.id} (taken before the ramp;`);
    expect(r.stderr).toContain(`took over a stale lock of canary (pid ${pid}, migrate ramp: no longer running)`);
    expect(r.stdout).toMatch(new RegExp(`^rolled back canary to ${beforeRamp.id}: 1 env file restored, legacy answers \\(models pass, chat pass\\) in \\d+\\.\\ds\\n$`));
    expect(await contents(p)).toEqual([legacyText(opts)]);
    expect(await loadRampState(p.stateDir, 'canary')).toMatchObject({ status: 'rolled-back', reason: `migrate rollback restored backup ${beforeRamp.id}` });
  });

  it.skipIf(!bootId())('takes over a lock left from before a reboot even though its pid is alive again, and says so', async () => {
    const p = await makeProject(tempDir(), opts);
    await backedUp(p);
    await pointAtTarget(p, opts);
    await writeLock(p.stateDir, 'canary', { pid: 1, command: 'migrate ramp', user: 'alice', boot: 'a-boot-before-the-last-reboot' });
    const r = await migrate(p, ['rollback', '--env', 'canary', '--yes', '--no-restart']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toContain('warning: took over a stale lock of canary (pid 1, migrate ramp: held since before this host last booted)');
    expect(await contents(p)).toEqual([legacyText(opts)]);
  });

  it("after a ramp was already rolled back, the newest backup is the default, not that ramp's", async () => {
    const p = await makeProject(tempDir(), opts);
    const beforeRamp = await backedUp(p);
    await saveRampState(p.stateDir, { ...newRamp({ environment: 'canary', stages: [5, 100], driver: 'env', backupId: beforeRamp.id, now: Date.now() }), status: 'rolled-back' });
    const later = await backedUp(p); // e.g. after rotating the legacy key
    await pointAtTarget(p, opts);
    const r = await migrate(p, ['rollback', '--env', 'canary', '--yes', '--no-restart', '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).backup).toMatchObject({ id: later.id, reason: 'newest' });
  });

  it('when the restored provider does not answer: exit 3, files restored, and the commands to run next', async () => {
    const down = { ...opts, legacyUrl: 'http://127.0.0.1:9/v1' };
    const p = await makeProject(tempDir(), down);
    const backup = await backedUp(p);
    await pointAtTarget(p, down);
    await saveRampState(p.stateDir, { ...newRamp({ environment: 'canary', stages: [50, 100], driver: 'env', backupId: backup.id, now: Date.now() }), status: 'completed' });
    const r = await migrate(p, ['rollback', '--env', 'canary', '--yes']);
    expect(r.exitCode).toBe(3);
    // The ramp state no longer claims a completed ramp: status tells the truth.
    expect(await loadRampState(p.stateDir, 'canary')).toMatchObject({ status: 'failed', reason: expect.stringContaining('migrate rollback did not complete') });
    expect(r.stderr).toContain('error: rolled back, but legacy (http://127.0.0.1:9/v1) does not answer as it should');
    expect(r.stderr).toContain(
      `hint: diagnose with \`migrate check --env canary --provider legacy\`; once it answers, run \`migrate rollback --env canary --to ${backup.id} --yes\` to verify`,
    );
    expect(await contents(p)).toEqual([legacyText(down)]);
    expect((await auditLines(p)).at(-1)).toMatchObject({ command: 'rollback', result: 'failed' });
    // Run again: the files already match, so nothing is written; it still verifies.
    const again = await migrate(p, ['rollback', '--env', 'canary', '--yes', '--json']);
    expect(again.stderr).toContain('env files already match the backup: nothing written');
    expect(again.exitCode).toBe(3);
    // --json: one document with the error and what the rollback had done, for CI.
    const doc = JSON.parse(again.stdout);
    expect(doc).toMatchObject({ ok: false, error: { exitCode: 3 }, report: { backup: { id: backup.id }, files: [{ path: 'env/.env.canary', restored: false }] } });
    expectNoSecrets(again.stdout);
  });
});

// A person at a terminal: rollback asks before touching anything, and does what the answer says.
async function projectPointingAtTarget() {
  const p = await makeProject(tempDir(), opts);
  await createBackup({ stateDir: p.stateDir, environment: 'canary', files: [{ path: 'env/.env.canary', absolute: p.envFiles[0]! }], toolVersion: 'test' });
  await pointAtTarget(p, opts);
  return p;
}

describe('migrate rollback at a terminal', () => {
  it('shows the keys that change and restores after "y"', async () => {
    const p = await projectPointingAtTarget();
    const r = await migrateAtTerminal(p, ['rollback', '--env', 'canary', '--no-restart'], [{ when: 'Restore 1 env file(s) of canary?', keys: 'y\r' }]);
    expect(r.code, r.screen).toBe(0);
    expect(r.screen).toContain('env/.env.canary: change LLM_TARGET_WEIGHT, OPENAI_API_KEY, OPENAI_BASE_URL');
    expect(await fs.readFile(p.envFiles[0]!, 'utf8')).toBe(legacyText(opts));
    for (const key of Object.values(KEYS)) expect(r.screen).not.toContain(key);
  });

  it('changes nothing after "n" and exits 130', async () => {
    const p = await projectPointingAtTarget();
    const r = await migrateAtTerminal(p, ['rollback', '--env', 'canary', '--no-restart'], [{ when: 'Restore 1 env file(s) of canary?', keys: 'n\r' }]);
    expect(r.code, r.screen).toBe(130);
    expect(await fs.readFile(p.envFiles[0]!, 'utf8')).toBe(targetText(opts));
  });
});
