// A recreate is downtime for the app, so a rollback recreates a service only when its containers
// do not hold what the restored env files say, read from the containers themselves. Open WebUI's
// layout (`${OPENAI_API_BASE_URL}` substituted from the project .env into `environment:`, beside
// Ollama), real docker-compose v1, two fake providers: a rollback with nothing to do leaves the
// container running as it was and still verifies it; after the .env was put back by hand while the
// app kept the target's values, the rollback recreates it onto legacy.
import { promises as fs } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { setKeys } from '../../src/core/envfile/edit.js';
import { parse, print } from '../../src/core/envfile/parse.js';
import { realApp } from '../helpers/apps.js';
import { dockerAvailable } from '../helpers/docker.js';
import { LEGACY_KEY, migrate, onCleanup, providers, TARGET_KEY } from '../ramp/helpers.js';
import { runCommand } from '../helpers/run.js';
import { expectNoKeys, fillTarget, pairIn, startedAt } from './rig.js';

const available = await dockerAvailable();

describe.skipIf(!available)('rollback on a real app recreates only containers that do not hold the restored files', () => {
  it('Open WebUI: untouched when it holds the backup (yet verified), recreated when only its .env was put back', { timeout: 180_000 }, async () => {
    const { legacy, target } = await providers();
    const app = await realApp('compose-open-webui', { OPENAI_API_BASE_URL: legacy.url, OPENAI_API_KEY: LEGACY_KEY });
    onCleanup(() => app.down());
    const pair = (id: string) => pairIn(id, 'OPENAI_API_BASE_URL', 'OPENAI_API_KEY');
    expect((await migrate(app.dir, ['init', '--yes'])).code).toBe(0);
    await fillTarget(app.dir, target.url, TARGET_KEY);
    await app.up();
    const backup = await migrate(app.dir, ['backup', '--env', 'default']);
    expect(backup.code, backup.stderr).toBe(0);
    const before = await app.ids();
    const started = await startedAt(before['open-webui']!);

    // Nothing to undo: no file written, no container recreated, and the container's pair still probed.
    const seen = legacy.requests.length;
    const quiet = await migrate(app.dir, ['rollback', '--env', 'default', '--yes']);
    expect(quiet.code, quiet.stdout + quiet.stderr).toBe(0);
    expect(quiet.stdout).toContain('env files already matched the backup, open-webui already held them (not recreated)');
    expect(quiet.stderr).toContain('open-webui already holds the restored env files: not recreated');
    expect(quiet.stderr).toContain(`✓ open-webui (${before['open-webui']!.slice(0, 12)}): OPENAI_API_BASE_URL → legacy, key of legacy; models ok, chat ok`);
    expect(await app.ids()).toEqual(before);
    expect(await startedAt(before['open-webui']!)).toBe(started);
    expect(legacy.requests.slice(seen).filter((r) => r.path === '/v1/models' && r.authorized).length).toBeGreaterThan(0);

    // The app moved to the target by hand and recreated; then its .env put back by hand, the app never recreated.
    const legacyEnv = await fs.readFile(app.envFile);
    await fs.writeFile(app.envFile, print(setKeys(parse(legacyEnv.toString('utf8')), { OPENAI_API_BASE_URL: target.url, OPENAI_API_KEY: TARGET_KEY })));
    await app.up();
    const moved = await app.ids();
    expect(await pair(moved['open-webui']!)).toEqual({ url: target.url, key: TARGET_KEY });
    await fs.writeFile(app.envFile, legacyEnv);

    const fix = await migrate(app.dir, ['rollback', '--env', 'default', '--yes']);
    expect(fix.code, fix.stdout + fix.stderr).toBe(0);
    expect(fix.stderr).toContain(`not every container holds them: open-webui (${moved['open-webui']!.slice(0, 12)}): OPENAI_API_BASE_URL differs from the restored file`);
    expect(fix.stdout).toContain('env files already matched the backup, open-webui recreated');
    const after = await app.ids();
    expect(after['open-webui']).not.toBe(moved['open-webui']);
    expect(after.ollama).toBe(moved.ollama); // it substitutes no variable a migration changes
    expect(await pair(after['open-webui']!)).toEqual({ url: legacy.url, key: LEGACY_KEY });
    expectNoKeys(quiet, fix);
  });

  it('LibreChat: api, which read its bind-mounted .env when it started, is restarted after that .env was put back in place (cp) by hand', { timeout: 180_000 }, async () => {
    const { legacy, target } = await providers();
    const app = await realApp('compose-librechat', { OPENAI_REVERSE_PROXY: legacy.url, OPENAI_API_KEY: LEGACY_KEY });
    onCleanup(() => app.down());
    expect((await migrate(app.dir, ['init', '--yes'])).code).toBe(0);
    await fillTarget(app.dir, target.url, TARGET_KEY);
    await app.up();
    const backup = await migrate(app.dir, ['backup', '--env', 'default']);
    expect(backup.code, backup.stderr).toBe(0);

    // By hand: .env rewritten in place to the target and api restarted, so its app loaded the target's
    // pair; then the backup copied back over .env in place (`cp` keeps the inode the bind mount shows).
    const legacyEnv = await fs.readFile(app.envFile);
    await fs.writeFile(app.envFile, print(setKeys(parse(legacyEnv.toString('utf8')), { OPENAI_REVERSE_PROXY: target.url, OPENAI_API_KEY: TARGET_KEY })));
    const ids = await app.ids();
    const restart = await runCommand({ argv: ['docker', 'restart', '-t', '1', ids.api!], kind: 'write', timeoutMs: 60_000 });
    expect(restart.exitCode, restart.stderr).toBe(0);
    const loadedTarget = await startedAt(ids.api!);
    await fs.writeFile(app.envFile, legacyEnv);
    expect(await pairIn(ids.api!, 'OPENAI_REVERSE_PROXY', 'OPENAI_API_KEY', '/app/.env')).toEqual({ url: legacy.url, key: LEGACY_KEY }); // the file says legacy; the app does not

    const fix = await migrate(app.dir, ['rollback', '--env', 'default', '--yes']);
    expect(fix.code, fix.stdout + fix.stderr).toBe(0);
    expect(fix.stderr).toContain(`not every container holds them: api (${ids.api!.slice(0, 12)}): .env changed after it started`);
    expect(fix.stdout).not.toContain('not recreated');
    const after = await app.ids();
    expect(after.api === ids.api ? await startedAt(after.api!) : 'recreated').not.toBe(loadedTarget);
    expectNoKeys(fix);
  });
});
