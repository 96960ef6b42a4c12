import { promises as fs } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createBackup } from '../../src/core/state/backups.js';
import { makeProject, migrate, pointAtTarget, type Project } from './cli.js';
import { KEYS, tempDir } from './helpers.js';

// What a rollback asks compose before it can act: nothing it asked before and whose answer cannot
// have changed. Stand-ins for `docker` (no v2 plugin) and `docker-compose` (v1) on PATH log every
// call, so each test counts the compose processes a rollback started.

const opts = { legacyUrl: 'http://127.0.0.1:9/v1', targetUrl: 'http://127.0.0.1:10/v1' };

async function setup(compose: string): Promise<{ p: Project; env: Record<string, string>; calls: () => Promise<string[]>; standIn: string }> {
  const dir = tempDir();
  const bin = path.join(dir, 'bin');
  const log = JSON.stringify(path.join(dir, 'calls.log'));
  await fs.mkdir(bin);
  const standIn = path.join(bin, 'docker-compose');
  await fs.writeFile(
    standIn,
    `#!/bin/sh\necho "docker-compose $*" >> ${log}\ncase " $* " in *" version "*) echo "docker-compose version 1.29.2, build unknown"; exit 0 ;; esac\nexit 1\n`,
    { mode: 0o755 },
  );
  await fs.writeFile(path.join(bin, 'docker'), `#!/bin/sh\necho "docker $*" >> ${log}\necho "docker: '$1' is not a docker command." >&2\nexit 1\n`, { mode: 0o755 });
  const p = await makeProject(dir, { ...opts, compose });
  await createBackup({ stateDir: p.stateDir, environment: 'canary', files: [{ path: 'env/.env.canary', absolute: p.envFiles[0]! }], toolVersion: 'test' });
  await pointAtTarget(p, opts);
  const calls = async () => (await fs.readFile(JSON.parse(log), 'utf8').catch(() => '')).split('\n').filter(Boolean);
  return { p, env: { PATH: `${bin}:${process.env.PATH}` }, calls, standIn };
}

describe('rollback: compose detection and the compose model without compose processes', () => {
  it('compose.command: auto asks `version` once; later runs use the cached answer until the program changes', async () => {
    const { p, env, calls, standIn } = await setup('{ command: auto, files: [docker-compose.yml], services: [app], projectName: shop }');
    const dry = () => migrate(p, ['rollback', '--env', 'canary', '--dry-run'], env);

    const first = await dry();
    expect(first.exitCode, first.stderr).toBe(0);
    expect(first.stdout).toContain('docker-compose -f');
    expect(await calls()).toEqual(['docker compose version', 'docker-compose version']);
    const cache = path.join(p.stateDir, 'compose-cli.json');
    expect(JSON.parse(await fs.readFile(cache, 'utf8'))).toMatchObject({ cli: { flavor: 'v1', argv: ['docker-compose'], version: '1.29.2' } });
    expect(await fs.readFile(cache, 'utf8')).not.toContain(KEYS.legacy);

    const second = await dry();
    expect(second.exitCode, second.stderr).toBe(0);
    expect(second.stdout).toBe(first.stdout); // the same plan
    expect(await calls()).toHaveLength(2); // no compose process at all: cached detection, files read directly

    // An upgrade (the program's mtime changes) is detected again.
    const later = new Date(Date.now() + 60_000);
    await fs.utimes(standIn, later, later);
    expect((await dry()).exitCode).toBe(0);
    expect((await calls()).slice(2)).toEqual(['docker compose version', 'docker-compose version']);
  });

  it('compose.command: docker-compose runs no compose process for a dry run', async () => {
    const { p, env, calls } = await setup('{ command: docker-compose, files: [docker-compose.yml], services: [app], projectName: shop }');
    const r = await migrate(p, ['rollback', '--env', 'canary', '--dry-run'], env);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain('docker-compose -f');
    expect(await calls()).toEqual([]);
  });

  it('a compose file with a variable in a volume is read by `compose config`, which interpolates it', async () => {
    const { p, env, calls } = await setup('{ command: docker-compose, files: [docker-compose.yml], services: [app], projectName: shop }');
    await fs.appendFile(path.join(p.dir, 'docker-compose.yml'), '    volumes: ["${DATA_DIR:-./data}:/data"]\n');
    const r = await migrate(p, ['rollback', '--env', 'canary', '--dry-run'], env);
    expect((await calls()).map((c) => c.split(' ').at(-1))).toEqual(['config']);
    expect(r.exitCode).toBe(2); // the stand-in refuses `config`: exit 2, nothing changed
  });
});
