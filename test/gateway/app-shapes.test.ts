// The gateway's URL written in the shape each app reads: big-AGI's OPENAI_API_HOST holds a bare
// host (fixtures/apps/big-agi, modeled on enricoros/big-AGI: the app adds https:// when no scheme
// is given, and /v1/... itself), so it gets the gateway's scheme and host only; an SDK-style base
// URL (LibreChat's OPENAI_REVERSE_PROXY) gets the whole /v1 URL. Dry runs: reads only, no container.
import { describe, expect, it } from 'vitest';
import { inShapeOf } from '../../src/core/providers/url-shape.js';
import { gatewayValue } from '../../src/core/gateway/plan.js';
import { realApp } from '../helpers/apps.js';
import { dockerAvailable } from '../helpers/docker.js';
import { freePort } from '../helpers/ports.js';
import { migrate, onCleanup, TARGET_KEY } from '../ramp/helpers.js';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fillTarget } from '../apps/rig.js';

describe.skipIf(!(await dockerAvailable()))('gateway setup on the app variable shapes', () => {
  it('big-AGI: a bare-host OPENAI_API_HOST on legacy is recognised, and is set to the gateway scheme and host (the app adds /v1)', async () => {
    const app = await realApp('big-agi', {}); // its .env: OPENAI_API_HOST=relay.legacy.example
    onCleanup(() => app.down());
    const port = await freePort();
    const init = await migrate(app.dir, ['init', '--yes']);
    expect(init.code, init.stderr).toBe(0);
    await fillTarget(app.dir, 'https://relay.target.example/v1', TARGET_KEY);
    await fs.appendFile(path.join(app.dir, 'migrate.yaml'), `gateway: { port: ${port} }\n`);

    const dry = await migrate(app.dir, ['gateway', 'setup', '--env', 'default', '--dry-run', '--json']);
    expect(dry.code, dry.stderr).toBe(0);
    const plan = JSON.parse(dry.stdout) as { url: string; envChanges: Array<{ set: Record<string, string>; was: Record<string, string> }>; recreate: string[] };
    expect(plan.url).toBe(`http://127.0.0.1:${port}/v1`);
    expect(plan.envChanges).toEqual([{ file: app.envFile, set: { OPENAI_API_HOST: `http://127.0.0.1:${port}` }, was: { OPENAI_API_HOST: 'relay.legacy.example' } }]);
    expect(plan.recreate).toEqual(['big-agi']);
    expect(await fs.readFile(app.envFile, 'utf8')).toContain('OPENAI_API_HOST=relay.legacy.example\n'); // a dry run writes nothing

    // The user gave legacy's real API base (with /v1, as `check` and the gateway call it): the bare host still names it.
    const migrateEnv = path.join(app.dir, '.env.migrate');
    await fs.writeFile(migrateEnv, (await fs.readFile(migrateEnv, 'utf8')).replace(/^LEGACY_BASE_URL=.*$/m, 'LEGACY_BASE_URL=https://relay.legacy.example/v1'));
    const corrected = await migrate(app.dir, ['gateway', 'setup', '--env', 'default', '--dry-run', '--json']);
    expect(corrected.code, corrected.stderr).toBe(0);
    expect(JSON.parse(corrected.stdout).envChanges[0].set).toEqual({ OPENAI_API_HOST: `http://127.0.0.1:${port}` });
  });

  it("big-AGI: remove after the gateway went to 100 % writes target's URL in the host shape OPENAI_API_HOST held (no /v1 the app would double)", async () => {
    // As `gateway setup` and a ramp to 100 % leave it, written by hand: no container runs, so remove
    // reads the weight from the include's migrate-weight line. A dry run: reads only.
    const app = await realApp('big-agi', {});
    onCleanup(() => app.down());
    expect((await migrate(app.dir, ['init', '--yes'])).code).toBe(0);
    await fillTarget(app.dir, 'https://relay.target.example/v1', TARGET_KEY);
    const conf = path.join(app.dir, 'llm-gateway/default/conf');
    await fs.mkdir(conf, { recursive: true });
    await fs.writeFile(path.join(conf, 'llm-split.conf'), '# migrate-weight: 100\n');
    await fs.writeFile(path.join(conf, 'nginx.conf'), 'server {\n  listen 8089;\n}\n');
    await fs.writeFile(path.join(app.dir, 'compose.migrate.yaml'), 'services:\n  llm-gateway:\n    image: migrate-nginx:latest\n    network_mode: host\n');
    const yamlFile = path.join(app.dir, 'migrate.yaml');
    const yaml = (await fs.readFile(yamlFile, 'utf8'))
      .replace('files: [docker-compose.yml]', 'files: [docker-compose.yml, compose.migrate.yaml]')
      .replace(/traffic: \{ driver: env[^}]*\}/, 'traffic: { driver: nginx, file: llm-gateway/default/conf/llm-split.conf, service: llm-gateway, gateway: true }');
    await fs.writeFile(yamlFile, `${yaml}gateway: { port: 8089 }\n`);
    await fs.writeFile(app.envFile, (await fs.readFile(app.envFile, 'utf8')).replace(/^OPENAI_API_HOST=.*$/m, 'OPENAI_API_HOST=http://127.0.0.1:8089'));

    const dry = await migrate(app.dir, ['gateway', 'remove', '--env', 'default', '--dry-run', '--json']);
    expect(dry.code, dry.stderr).toBe(0);
    const plan = JSON.parse(dry.stdout) as { provider: string; weight: number; set: string[] };
    expect(plan).toMatchObject({ provider: 'target', weight: 100 });
    expect(plan.set).toContain('OPENAI_API_HOST=https://relay.target.example');
    expect(dry.stdout).not.toContain(TARGET_KEY);
  });

  it('setup and remove write each URL in the shape the variable held', () => {
    const url = 'http://127.0.0.1:8089/v1';
    expect(gatewayValue('OPENAI_API_HOST', 'relay.legacy.example', url)).toBe('http://127.0.0.1:8089');
    expect(gatewayValue('OPENAI_API_HOST', 'https://relay.legacy.example', url)).toBe('http://127.0.0.1:8089');
    expect(gatewayValue('OPENAI_API_HOST', 'https://relay.legacy.example/', url)).toBe('http://127.0.0.1:8089');
    expect(gatewayValue('OPENAI_API_HOST', 'https://api.openai.com/v1', url)).toBe(url);
    expect(gatewayValue('OPENAI_REVERSE_PROXY', 'https://relay.example/openai/v1', url)).toBe(url);
    // An SDK-style base URL at a proxy's root (LiteLLM): the SDK adds no /v1, so the gateway's /v1 stays.
    expect(gatewayValue('OPENAI_PROXY_URL', 'http://litellm:4000', url)).toBe(url);
    expect(gatewayValue('OPENAI_BASE_URL', 'http://litellm:4000/', url)).toBe(url);
    // remove: the provider's URL in the shape the variable held the gateway's.
    expect(inShapeOf('OPENAI_API_HOST', 'http://127.0.0.1:8089', 'https://relay.legacy.example/v1')).toBe('https://relay.legacy.example');
    expect(inShapeOf('OPENAI_API_HOST', 'http://127.0.0.1:8089/v1', 'https://relay.legacy.example/v1')).toBe('https://relay.legacy.example/v1');
    expect(inShapeOf('OPENAI_BASE_URL', 'http://127.0.0.1:8089', 'https://relay.legacy.example/v1')).toBe('https://relay.legacy.example/v1');
  });
});
