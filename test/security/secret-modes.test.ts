// Files that hold keys: migrate's own (the nginx include, state, backups) are 0600, a looser
// include is tightened with a warning; an app's env file keeps its mode, and when one others may
// read receives a key the operator is told the chmod to run.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderLocation, renderNginxInclude } from '../../src/core/traffic/nginx-render.js';
import { NGINX_BIN, startNginx } from '../helpers/nginx.js';
import { CANARY, configYaml, LEGACY_KEY, legacyEnvFile, migrate, onCleanup, probeRamp, project, providers, TARGET_KEY } from '../ramp/helpers.js';

const mode = async (file: string) => (await fs.stat(file)).mode & 0o777;
const RAMP = probeRamp('50, 100', '800ms', '400ms');

/** Every file under .migrate (state, backups, audit log) is readable by its owner only. */
async function expectPrivateState(dir: string): Promise<void> {
  const entries = await fs.readdir(path.join(dir, '.migrate'), { recursive: true, withFileTypes: true });
  const files = entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
  expect(files.length).toBeGreaterThan(2);
  for (const file of files) expect([file, (await mode(file)).toString(8)]).toEqual([file, '600']);
}

describe('an app env file that receives a key', () => {
  it('a 0644 env file without a key gets the target key at cut-over: it stays 0644 and the warning names the chmod to run', async () => {
    const { legacy, target } = await providers();
    const dir = project({
      'migrate.yaml': configYaml({ legacyUrl: legacy.url, targetUrl: target.url, ramp: RAMP }),
      '.env.canary': `OPENAI_BASE_URL=${legacy.url}\nLLM_TARGET_WEIGHT=0\n`,
    });
    const envFile = path.join(dir, '.env.canary');
    await fs.chmod(envFile, 0o644);

    const r = await migrate(dir, ['ramp', '--env', 'canary'], { targetUrl: target.url });

    expect(r.code, r.stderr).toBe(0);
    expect(await fs.readFile(envFile, 'utf8')).toContain(`OPENAI_API_KEY=${TARGET_KEY}`);
    expect(await mode(envFile)).toBe(0o644);
    const warning = `${envFile} now holds an API key and is mode 0644 (group or others may read it): run \`chmod 600 ${envFile}\``;
    // Once: the 50 % stage writes only the weight, which is no key.
    expect(r.stderr.split(warning).length - 1).toBe(1);
    await expectPrivateState(dir);
  }, 30_000);

  it('a 0600 env file gets no warning', async () => {
    const { legacy, target } = await providers();
    const dir = project({
      'migrate.yaml': configYaml({ legacyUrl: legacy.url, targetUrl: target.url, environments: CANARY, ramp: RAMP }),
      '.env.canary': legacyEnvFile(legacy.url),
    });
    await fs.chmod(path.join(dir, '.env.canary'), 0o600);
    const r = await migrate(dir, ['ramp', '--env', 'canary'], { targetUrl: target.url });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/chmod|holds an API key/);
    expect(await mode(path.join(dir, '.env.canary'))).toBe(0o600);
  }, 30_000);
});

describe('the nginx include (real nginx)', () => {
  it('an existing 0644 include is made 0600 with a warning naming it, and stays 0600 after the rollback', async () => {
    const { legacy, target } = await providers();
    const keys = { legacy: { baseUrl: legacy.url, apiKey: LEGACY_KEY }, target: { baseUrl: target.url, apiKey: TARGET_KEY } };
    const rig = await startNginx({ include: renderNginxInclude({ environment: 'canary', weight: 0, splitKey: '$request_id', providers: keys }), server: renderLocation('canary') });
    onCleanup(() => rig.stop());
    await fs.chmod(rig.includeFile, 0o644);
    const inode = (await fs.stat(rig.includeFile)).ino;
    const environments = [
      '  canary:',
      '    envFiles: [.env.canary]',
      `    traffic: { driver: nginx, file: ${rig.includeFile}, binary: ${NGINX_BIN}, args: ${JSON.stringify(rig.args)} }`,
    ];
    const dir = project({ 'migrate.yaml': configYaml({ legacyUrl: legacy.url, targetUrl: target.url, environments, ramp: RAMP }), '.env.canary': legacyEnvFile(legacy.url) });

    const ramp = await migrate(dir, ['ramp', '--env', 'canary'], { targetUrl: target.url });

    expect(ramp.code, ramp.stderr).toBe(0);
    expect(ramp.stderr).toContain(`${rig.includeFile} holds API keys and was mode 0644: it is 0600 now`);
    expect([await mode(rig.includeFile), (await fs.stat(rig.includeFile)).ino]).toEqual([0o600, inode]);

    const rollback = await migrate(dir, ['rollback', '--env', 'canary', '--yes'], { targetUrl: target.url });
    expect(rollback.code, rollback.stderr).toBe(0);
    expect([await mode(rig.includeFile), (await fs.stat(rig.includeFile)).ino]).toEqual([0o600, inode]);
    expect(await fs.readFile(rig.includeFile, 'utf8')).toContain('# migrate-weight: 0');
    for (const text of [ramp.stdout, ramp.stderr, rollback.stdout, rollback.stderr]) {
      expect(text).not.toContain(LEGACY_KEY);
      expect(text).not.toContain(TARGET_KEY);
    }
  }, 60_000);
});
