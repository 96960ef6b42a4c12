// `migrate gateway setup|status|remove` on a real compose app (docker compose, the nginx image
// from .ci/docker.sh, a busybox app that sends requests in a loop, two fake providers).
import { promises as fs } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { nginxImageAvailable } from '../helpers/docker.js';
import { LEGACY_KEY, migrate, onCleanup, soakingAt, spawnMigrate, TARGET_KEY, waitForState } from '../ramp/helpers.js';
import { gatewayApp, moreAppRequests, providerOf } from './helpers.js';

const mode = async (file: string) => (await fs.stat(file)).mode & 0o777;

describe.skipIf(!(await nginxImageAvailable()))('migrate gateway on a compose app', () => {
  it('setup keeps the app on legacy without a failed request; a ramp moves it to target through the gateway; remove puts it on target directly', async () => {
    // Enough app requests that the real-traffic gate has its samples in each 400 ms window, even on a loaded machine.
    const { dir, port, legacy, target, app } = await gatewayApp({ loops: 4, pause: 0.05 });
    const gatewayUrl = `http://127.0.0.1:${port}/v1`;

    const setup = await migrate(dir, ['gateway', 'setup', '--env', 'canary', '--yes'], { targetUrl: target.url });
    expect(setup.code, setup.stderr).toBe(0);
    expect(await fs.readFile(path.join(dir, '.env'), 'utf8')).toBe(`OPENAI_BASE_URL=${gatewayUrl}\nOPENAI_API_KEY=${LEGACY_KEY}\n`);
    const include = path.join(dir, 'llm-gateway/canary/conf/llm-split.conf');
    expect(await mode(include)).toBe(0o600);
    expect(await mode(path.join(dir, 'llm-gateway/canary/conf/nginx.conf'))).toBe(0o600);
    expect(await fs.readFile(include, 'utf8')).toContain(`"Bearer ${TARGET_KEY}"`);
    expect(await fs.readFile(path.join(dir, 'llm-gateway/.gitignore'), 'utf8')).toMatch(/^\*$/m); // the keys stay out of git
    const config = await fs.readFile(path.join(dir, 'migrate.yaml'), 'utf8');
    expect(config).toContain('# the app of this test'); // the user's comments stay
    expect(config).toContain('files: [docker-compose.yml, compose.migrate.yaml]');
    expect(config).toContain('    traffic: { driver: nginx, file: llm-gateway/canary/conf/llm-split.conf, service: llm-gateway, ');
    expect(await providerOf(port)).toBe('legacy');
    // The app's own requests now pass through the gateway (its log has them) and reach legacy.
    await moreAppRequests(() => app.at(legacy), 3, "the app's requests to reach legacy through the gateway");
    const log = path.join(dir, 'llm-gateway/canary/logs/access.json');
    const lines = (await fs.readFile(log, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.length).toBeGreaterThan(0);
    expect(lines[0]).toMatchObject({ environment: 'canary', provider: 'legacy', status: '200', mirror: '0' });

    const ramp = await migrate(dir, ['ramp', '--env', 'canary', '--yes'], { targetUrl: target.url });
    expect(ramp.code, ramp.stderr).toBe(0);
    // No cut-over through the gateway: the app keeps its URL and its own (legacy) key; the gateway sends target's.
    expect(await fs.readFile(path.join(dir, '.env'), 'utf8')).toBe(`OPENAI_BASE_URL=${gatewayUrl}\nOPENAI_API_KEY=${LEGACY_KEY}\n`);
    await moreAppRequests(() => app.at(target), 3, "the app's requests to reach target through the gateway");
    const atLegacy = app.at(legacy).length;
    await moreAppRequests(() => app.at(target), 3, 'more app requests at target');
    expect(app.at(legacy).length).toBe(atLegacy);
    expect(app.at(target).every((r) => r.authorized)).toBe(true);

    const status = await migrate(dir, ['gateway', 'status', '--env', 'canary', '--json']);
    expect(status.code, status.stderr).toBe(0);
    const doc = JSON.parse(status.stdout);
    expect(doc).toMatchObject({ container: 'running', weight: 100 });
    expect(doc.requests.legacy.requests).toBeGreaterThan(0);
    expect(doc.requests.target.requests).toBeGreaterThan(0);

    const remove = await migrate(dir, ['gateway', 'remove', '--env', 'canary', '--yes'], { targetUrl: target.url });
    expect(remove.code, remove.stderr).toBe(0);
    // On target now, so straight to target with the cut-over's URL and key.
    expect(await fs.readFile(path.join(dir, '.env'), 'utf8')).toBe(`OPENAI_BASE_URL=${target.url}\nOPENAI_API_KEY=${TARGET_KEY}\n`);
    const logged = (await fs.readFile(log, 'utf8')).split('\n').length;
    await moreAppRequests(() => app.at(target), 3, "the app's requests to reach target directly");
    expect((await fs.readFile(log, 'utf8')).split('\n').length).toBe(logged); // not through the gateway
    await expect(providerOf(port)).rejects.toThrow();
    expect(await fs.stat(path.join(dir, 'compose.migrate.yaml')).catch(() => null)).toBeNull();
    expect(await fs.stat(include).catch(() => null)).toBeNull(); // nothing holding the keys stays
    const after = await fs.readFile(path.join(dir, 'migrate.yaml'), 'utf8');
    expect(after).toContain('files: [docker-compose.yml]');
    expect(after).not.toContain('traffic:');

    expect((await app.results()).filter((r) => r !== 'ok')).toEqual([]);
    for (const text of [setup.stdout, setup.stderr, ramp.stdout, ramp.stderr, status.stdout, remove.stdout, remove.stderr, await fs.readFile(log, 'utf8')]) {
      expect(text).not.toContain(LEGACY_KEY);
      expect(text).not.toContain(TARGET_KEY);
    }
  }, 300_000);
});

describe.skipIf(!(await nginxImageAvailable()))('migrate gateway: dry run, back to legacy, refusals', () => {
  it('--dry-run prints every file with the keys redacted and writes nothing; remove at 0 % puts the app back on legacy directly', async () => {
    const { dir, port, legacy, target, app } = await gatewayApp();
    const before = { env: await fs.readFile(path.join(dir, '.env'), 'utf8'), config: await fs.readFile(path.join(dir, 'migrate.yaml'), 'utf8') };

    const dry = await migrate(dir, ['gateway', 'setup', '--env', 'canary', '--dry-run'], { targetUrl: target.url });
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain(`listen 127.0.0.1:${port};`);
    expect(dry.stdout).toContain('image: migrate-nginx:latest');
    expect(dry.stdout).toContain(`OPENAI_BASE_URL=${legacy.url} → http://127.0.0.1:${port}/v1`);
    expect(dry.stdout + dry.stderr).not.toContain(LEGACY_KEY);
    expect(dry.stdout + dry.stderr).not.toContain(TARGET_KEY);
    expect(await fs.readdir(dir)).not.toContain('llm-gateway');
    expect(await fs.readdir(dir)).not.toContain('compose.migrate.yaml');
    expect(await fs.readFile(path.join(dir, '.env'), 'utf8')).toBe(before.env);

    const setup = await migrate(dir, ['gateway', 'setup', '--env', 'canary', '--yes'], { targetUrl: target.url });
    expect(setup.code, setup.stderr).toBe(0);
    await moreAppRequests(() => app.at(legacy), 3, "the app's requests through the gateway");
    const again = await migrate(dir, ['gateway', 'setup', '--env', 'canary', '--yes'], { targetUrl: target.url });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('canary already goes through the gateway');

    const remove = await migrate(dir, ['gateway', 'remove', '--env', 'canary', '--yes'], { targetUrl: target.url });
    expect(remove.code, remove.stderr).toBe(0);
    expect(await fs.readFile(path.join(dir, '.env'), 'utf8')).toBe(before.env);
    expect(await fs.readFile(path.join(dir, 'migrate.yaml'), 'utf8')).toBe(before.config);
    const log = path.join(dir, 'llm-gateway/canary/logs/access.json');
    const logged = await fs.readFile(log, 'utf8');
    await moreAppRequests(() => app.at(legacy), 3, "the app's requests to reach legacy directly");
    expect(await fs.readFile(log, 'utf8')).toBe(logged);
    expect(app.at(target)).toEqual([]);
    expect((await app.results()).filter((r) => r !== 'ok')).toEqual([]);
  }, 300_000);

  it('a gateway that does not answer from legacy is removed again and the app is left as it was (exit 1)', async () => {
    const { dir, port, target, app } = await gatewayApp();
    // Something else answers on the gateway's port: nginx cannot listen there.
    const squatter = http.createServer((_req, res) => res.end('not nginx')).listen(port, '127.0.0.1');
    onCleanup(() => new Promise((resolve) => squatter.close(resolve)));
    const env = await fs.readFile(path.join(dir, '.env'), 'utf8');
    const setup = await migrate(dir, ['gateway', 'setup', '--env', 'canary', '--yes'], { targetUrl: target.url });
    expect(setup.code).toBe(1);
    expect(setup.stderr).toContain(`the gateway did not answer from legacy on http://127.0.0.1:${port}/v1`);
    expect(setup.stderr).not.toMatch(/\n\s+at /);
    expect(await fs.readFile(path.join(dir, '.env'), 'utf8')).toBe(env);
    expect(await fs.readdir(dir)).not.toContain('compose.migrate.yaml');
    expect(await fs.readdir(path.join(dir, 'llm-gateway/canary'))).not.toContain('conf');
    expect(await fs.readFile(path.join(dir, 'migrate.yaml'), 'utf8')).not.toContain('traffic:');
    expect((await app.results()).filter((r) => r !== 'ok')).toEqual([]);
  }, 300_000);

  it('refuses an app that is on target already, naming the file and variable (exit 2)', async () => {
    const { dir, target } = await gatewayApp();
    await fs.writeFile(path.join(dir, '.env'), `OPENAI_BASE_URL=${target.url}\nOPENAI_API_KEY=${TARGET_KEY}\n`);
    const setup = await migrate(dir, ['gateway', 'setup', '--env', 'canary', '--yes'], { targetUrl: target.url });
    expect(setup.code).toBe(2);
    expect(setup.stderr).toContain(`.env: OPENAI_BASE_URL is ${target.url}, not legacy's URL`);
    expect(await fs.readdir(dir)).not.toContain('compose.migrate.yaml');
  }, 120_000);
});

describe.skipIf(!(await nginxImageAvailable()))('migrate gateway: the ramp rolls back through it', () => {
  it('a target failing at 50 % is rolled back by an nginx reload: the app stays on the gateway, whose requests all go to legacy again', async () => {
    const { dir, port, legacy, target, app } = await gatewayApp();
    const config = path.join(dir, 'migrate.yaml');
    await fs.writeFile(config, (await fs.readFile(config, 'utf8')).replace('soak: 800ms', 'soak: 30s'));
    const setup = await migrate(dir, ['gateway', 'setup', '--env', 'canary', '--yes'], { targetUrl: target.url });
    expect(setup.code, setup.stderr).toBe(0);

    const ramp = spawnMigrate(dir, ['ramp', '--env', 'canary', '--yes'], { targetUrl: target.url });
    await waitForState(dir, soakingAt(50), 60_000);
    await moreAppRequests(() => app.at(target), 2, "the app's requests to reach target at 50 %");
    target.setFaults({ error: { status: 503 } });
    const done = await ramp;
    expect(done.exitCode, String(done.stderr)).toBe(1);

    expect(await fs.readFile(path.join(dir, 'llm-gateway/canary/conf/llm-split.conf'), 'utf8')).toContain('# migrate-weight: 0');
    const atTarget = app.at(target).length;
    await moreAppRequests(() => app.at(legacy), 5, "the app's requests back on legacy");
    expect(app.at(target).length).toBe(atTarget);
    expect(await providerOf(port)).toBe('legacy');
    // The split went back by a reload: the gateway container was never restarted.
    expect(String(done.stderr)).not.toMatch(/force-recreate[^\n]*llm-gateway/);
    expect(await fs.readFile(path.join(dir, '.env'), 'utf8')).toContain(`OPENAI_BASE_URL=http://127.0.0.1:${port}/v1`);
    expect(String(done.stdout) + String(done.stderr)).not.toContain(TARGET_KEY);
  }, 300_000);
});
