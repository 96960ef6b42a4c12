import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackup } from '../../src/core/state/backups.js';
import { startFakeProvider, type FakeProvider } from '../helpers/fake-provider.js';
import { waitUntil } from '../helpers/wait.js';
import { auditLines, legacyText, makeProject, migrate, pointAtTarget, startMigrate, targetText, type CliResult, type Project, type ProjectOptions } from './cli.js';
import { KEYS, tempDir } from './helpers.js';

// Failures once the env files are restored: each must end as exit 3 (or 130) with the command
// that finishes the job. Real docker cannot fail `up` or `ps`, or hang in a health check, on
// demand, so these runs put stand-ins for docker-compose and docker on PATH (real docker is
// exercised in docker.test.ts) and point DOCKER_HOST at a socket that does not exist, so
// containers are listed with the (stand-in) docker CLI rather than the Engine API. The stand-ins
// log every call; env variables pick their answers.

let legacy: FakeProvider;
let opts: ProjectOptions;

beforeAll(async () => {
  legacy = await startFakeProvider({ name: 'legacy', apiKey: KEYS.legacy });
  opts = { legacyUrl: legacy.url, targetUrl: 'http://127.0.0.1:9/v1' };
});
afterAll(() => legacy?.close());

/**
 * `docker-compose`: `version` says v1; `config` lists the service app; `up` exits $STANDIN_UP (0).
 * `docker ps` (the listing by project label) prints one container id, or fails when $STANDIN_PS
 * is `fail` (always) or `fail-once` (the first call only).
 * `docker inspect`: that container running, with health $STANDIN_HEALTH (healthy), holding what
 * env/.env.canary says now (as a container recreated from it would).
 */
async function standIns(dir: string): Promise<{ PATH: string; DOCKER_HOST: string; calls: () => Promise<string[]> }> {
  const bin = path.join(dir, 'bin');
  const log = JSON.stringify(path.join(dir, 'calls.log'));
  const once = JSON.stringify(path.join(dir, 'ps-failed-once'));
  await fs.mkdir(bin);
  const compose = `#!/bin/sh
echo "docker-compose $*" >> ${log}
case " $* " in
  *" version "*) echo "docker-compose version 1.29.2, build unknown"; exit 0 ;;
  *" config "*) printf 'services:\\n  app: {}\\n'; exit 0 ;;
  *" up "*) [ "\${STANDIN_UP:-0}" = 0 ] || echo "ERROR: cannot start service app" >&2; exit "\${STANDIN_UP:-0}" ;;
esac
exit 1
`;
  const envFile = JSON.stringify(path.join(dir, 'env/.env.canary'));
  const docker = `#!/bin/sh
echo "docker $*" >> ${log}
if [ "$1" = ps ]; then
  if [ "$STANDIN_PS" = fail ] || { [ "$STANDIN_PS" = fail-once ] && [ ! -e ${once} ]; }; then
    : > ${once}; echo "Cannot connect to the Docker daemon at unix:///var/run/docker.sock" >&2; exit 1
  fi
  echo c0ffee; exit 0
fi
[ "$1" = inspect ] || exit 1
env=$(grep -E '^[A-Za-z_][A-Za-z0-9_]*=' ${envFile} | sed 's/"/\\\\"/g; s/.*/"&"/' | paste -sd, -)
echo '[{"Id":"c0ffee","Name":"/shop_app_1","State":{"Status":"running","ExitCode":0,"Health":{"Status":"'"\${STANDIN_HEALTH:-healthy}"'"}},"Config":{"Env":['"$env"'],"Labels":{"com.docker.compose.service":"app"}}}]'
`;
  await fs.writeFile(path.join(bin, 'docker-compose'), compose, { mode: 0o755 });
  await fs.writeFile(path.join(bin, 'docker'), docker, { mode: 0o755 });
  const calls = async () => (await fs.readFile(JSON.parse(log), 'utf8').catch(() => '')).split('\n').filter(Boolean);
  return { PATH: `${bin}:${process.env.PATH}`, DOCKER_HOST: `unix://${path.join(dir, 'no-docker.sock')}`, calls };
}

const COMPOSE = '{ command: docker-compose, files: [docker-compose.yml], services: [app], projectName: shop, healthTimeout: 30s }';

async function setup() {
  const dir = tempDir();
  const shim = await standIns(dir);
  const p = await makeProject(dir, { ...opts, compose: COMPOSE });
  const backup = await createBackup({ stateDir: p.stateDir, environment: 'canary', files: [{ path: 'env/.env.canary', absolute: p.envFiles[0]! }], toolVersion: 'test' });
  await pointAtTarget(p, opts);
  const again = `migrate rollback --env canary --to ${backup.id} --yes`;
  return { dir, p, shim, backup, again };
}

const restored = async (p: Project) => expect(await fs.readFile(p.envFiles[0]!, 'utf8')).toBe(legacyText(opts));

/** The CLI as a child we can signal; resolves when it exits. */
function start(p: Project, args: string[], env: Record<string, string>): { child: ReturnType<typeof startMigrate>; done: Promise<CliResult> } {
  const child = startMigrate(p, args, env);
  const done = child.then((r) => ({ exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) }));
  return { child, done };
}

describe('rollback: failures after the env files were restored', () => {
  it('compose `up` failing: exit 3, files restored, the compose command and the rollback to run next', async () => {
    const { dir, p, shim, again } = await setup();
    const r = await migrate(p, ['rollback', '--env', 'canary', '--yes'], { PATH: shim.PATH, DOCKER_HOST: shim.DOCKER_HOST, STANDIN_UP: '1' });
    expect(r.exitCode, r.stderr).toBe(3);
    const up = `docker-compose -f ${path.join(dir, 'docker-compose.yml')} -p shop up -d --no-deps --force-recreate app`;
    expect(r.stderr).toContain(`error: env files are restored but recreating the services failed: \`${up}\` exited with code 1: ERROR: cannot start service app`);
    expect(r.stderr).toContain(`hint: run \`${up}\` by hand (in ${dir}), then \`${again}\` to verify`);
    await restored(p);
    expect((await auditLines(p)).at(-1)).toMatchObject({ command: 'rollback', result: 'failed' });
  });

  it('`ps` failing during the readiness wait: exit 3 with the files-restored status and the command to run next', async () => {
    const { dir, p, shim, again } = await setup();
    const r = await migrate(p, ['rollback', '--env', 'canary', '--yes'], { PATH: shim.PATH, DOCKER_HOST: shim.DOCKER_HOST, STANDIN_PS: 'fail' });
    expect(r.exitCode, r.stderr).toBe(3);
    const ps = 'docker ps --all --quiet --no-trunc --filter label=com.docker.compose.project=shop';
    expect(r.stderr).toContain(
      `error: env files are restored and services recreated, but checking app failed: \`${ps}\` exited with code 1: Cannot connect to the Docker daemon at unix:///var/run/docker.sock`,
    );
    const logs = `docker-compose -f ${path.join(dir, 'docker-compose.yml')} -p shop logs --tail 50 app`;
    expect(r.stderr).toContain(`hint: see why with \`${ps}\` and \`${logs}\`; once fixed, run \`${again}\` to verify`);
    expect((await shim.calls()).filter((c) => c.startsWith('docker ps '))).toHaveLength(3); // retried, then given up
    await restored(p);
    expect((await auditLines(p)).at(-1)).toMatchObject({ command: 'rollback', result: 'failed' });
  });

  it('one transient `ps` failure is retried within the wait, and the rollback completes', async () => {
    const { p, shim } = await setup();
    legacy.resetCounts();
    const r = await migrate(p, ['rollback', '--env', 'canary', '--yes'], { PATH: shim.PATH, DOCKER_HOST: shim.DOCKER_HOST, STANDIN_PS: 'fail-once' });
    expect(r.exitCode, r.stderr).toBe(0);
    // The wait's listing: failed once, then answered; the app view reads that last listing, not a third.
    expect((await shim.calls()).filter((c) => c.startsWith('docker ps '))).toHaveLength(2);
    expect((await shim.calls()).some((c) => c.includes(' ps -q'))).toBe(false); // compose ps is never needed
    expect(r.stdout).toContain('app recreated, legacy answers');
    expect(legacy.count({ path: '/v1/chat/completions', authorized: true })).toBe(1);
    await restored(p);
  });

  it('compose command missing: refused before any file is touched (exit 2, nothing changed)', async () => {
    const { dir, p } = await setup();
    const empty = path.join(dir, 'empty-bin');
    await fs.mkdir(empty);
    const r = await migrate(p, ['rollback', '--env', 'canary', '--yes'], { PATH: empty });
    expect(r.exitCode, r.stderr).toBe(2);
    expect(r.stderr).toContain('error: docker-compose not found');
    expect(r.stderr).toContain('hint: nothing was changed; install it, set compose.command in migrate.yaml, or restore the env files alone with --no-restart');
    expect(await fs.readFile(p.envFiles[0]!, 'utf8')).toBe(targetText(opts));
    expect((await auditLines(p)).at(-1)).toMatchObject({ command: 'rollback', result: 'refused' });
  });

  it('Ctrl-C during the readiness wait: exit 130, files restored, "run this to finish"; that command then completes', async () => {
    const { p, shim, again } = await setup();
    const run = start(p, ['rollback', '--env', 'canary', '--yes'], { PATH: shim.PATH, DOCKER_HOST: shim.DOCKER_HOST, STANDIN_HEALTH: 'starting' });
    await waitUntil('the readiness wait', async () => (await shim.calls()).some((c) => c.startsWith('docker inspect')), { everyMs: 20 });
    run.child.kill('SIGINT');
    const r = await run.done;
    expect(r.exitCode, r.stderr).toBe(130);
    expect(r.stderr).toContain('error: interrupted after the env files were restored and the services recreated; the rollback is not verified');
    expect(r.stderr).toContain(`hint: run \`${again}\` to finish`);
    await restored(p);
    expect((await auditLines(p)).at(-1)).toMatchObject({ command: 'rollback', result: 'interrupted' });

    const [program, ...args] = again.split(' ');
    expect(program).toBe('migrate');
    const finish = await migrate(p, args, { PATH: shim.PATH, DOCKER_HOST: shim.DOCKER_HOST });
    expect(finish.exitCode, finish.stderr).toBe(0);
    expect(finish.stderr).toContain('env files already match the backup: nothing written');
    expect((await auditLines(p)).at(-1)).toMatchObject({ command: 'rollback', result: 'ok' });
  });

  it('Ctrl-C during the connectivity check: exit 130, files restored, "run this to finish"; that command then completes', async () => {
    const slow = await startFakeProvider({ name: 'slow-legacy', apiKey: KEYS.legacy, faults: { latency: 10_000 } });
    try {
      const o = { ...opts, legacyUrl: slow.url };
      const p = await makeProject(tempDir(), o);
      const backup = await createBackup({ stateDir: p.stateDir, environment: 'canary', files: [{ path: 'env/.env.canary', absolute: p.envFiles[0]! }], toolVersion: 'test' });
      await pointAtTarget(p, o);
      const run = start(p, ['rollback', '--env', 'canary', '--yes'], {});
      await waitUntil('the connectivity check', () => slow.count() > 0, { everyMs: 20 });
      run.child.kill('SIGINT');
      const r = await run.done;
      expect(r.exitCode, r.stderr).toBe(130);
      const again = `migrate rollback --env canary --to ${backup.id} --yes`;
      expect(r.stderr).toContain('error: interrupted after the env files were restored; the rollback is not verified');
      expect(r.stderr).toContain(`hint: run \`${again}\` to finish`);
      expect(await fs.readFile(p.envFiles[0]!, 'utf8')).toBe(legacyText(o));
      expect((await auditLines(p)).at(-1)).toMatchObject({ command: 'rollback', result: 'interrupted' });

      slow.setFaults({ latency: null });
      slow.resetCounts();
      const finish = await migrate(p, again.split(' ').slice(1));
      expect(finish.exitCode, finish.stderr).toBe(0);
      expect(slow.count({ path: '/v1/chat/completions', authorized: true })).toBe(1);
    } finally {
      await slow.close();
    }
  });
});
