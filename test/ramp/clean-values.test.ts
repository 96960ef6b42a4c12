// Values written into an app's env file are one clean line: a key with a trailing CR/LF in its
// variable was written as "sk-…\n" and Python clients failed with "Invalid header value". And a
// CRLF file stays CRLF through every write and the rollback.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configYaml, legacyEnvFile, migrate, probeRamp, project, providers, LEGACY_KEY, TARGET_KEY } from './helpers.js';

const CUTOVER_FROM_PADDED = ['  canary:', '    envFiles: [.env.canary]', '    cutover:', '      OPENAI_BASE_URL: ${TARGET_URL}', '      OPENAI_API_KEY: ${APP_TARGET_KEY}'];

const crlf = (text: string) => text.replace(/\n/g, '\r\n');

describe('values written at cut-over', () => {
  it('are stripped of a trailing CR/LF (warned, naming the variable), and a CRLF file keeps CRLF through the ramp and the rollback', async () => {
    const { legacy, target } = await providers();
    const original = crlf(legacyEnvFile(legacy.url));
    const dir = project({
      'migrate.yaml': configYaml({ legacyUrl: legacy.url, targetUrl: target.url, environments: CUTOVER_FROM_PADDED, ramp: probeRamp('50, 100', '800ms', '400ms') }),
      '.env.canary': original,
    });
    const env = { APP_TARGET_KEY: `${TARGET_KEY}\r\n` };

    const r = await migrate(dir, ['ramp', '--env', 'canary'], { targetUrl: target.url, env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(
      'environments.canary.cutover.OPENAI_API_KEY: the value of OPENAI_API_KEY (from ${APP_TARGET_KEY}) has line breaks or spaces around it; they are dropped before it is written',
    );
    const after = await fs.readFile(path.join(dir, '.env.canary'), 'utf8');
    expect(after).toBe(crlf(`# the app's provider\nOPENAI_BASE_URL=${target.url}\nOPENAI_API_KEY=${TARGET_KEY}\nLLM_TARGET_WEIGHT=100\n`));
    expect(after.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);

    const back = await migrate(dir, ['rollback', '--env', 'canary', '--yes'], { targetUrl: target.url, env });
    expect(back.code, back.stderr).toBe(0);
    expect(await fs.readFile(path.join(dir, '.env.canary'), 'utf8')).toBe(original);
    for (const out of [r.stdout, r.stderr, back.stdout, back.stderr]) {
      expect(out).not.toContain(TARGET_KEY);
      expect(out).not.toContain(LEGACY_KEY);
    }
  });

  it('refuses a value with a line break inside it (exit 2), naming the variable and not the value; nothing is written or sent', async () => {
    const { legacy, target } = await providers();
    const dir = project({
      'migrate.yaml': configYaml({ legacyUrl: legacy.url, targetUrl: target.url, environments: CUTOVER_FROM_PADDED }),
      '.env.canary': legacyEnvFile(legacy.url),
    });
    const r = await migrate(dir, ['ramp', '--env', 'canary'], { targetUrl: target.url, env: { APP_TARGET_KEY: 'targetkey-first-half\ntargetkey-second-half' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('migrate.yaml:15 environments.canary.cutover.OPENAI_API_KEY: the value of OPENAI_API_KEY (from ${APP_TARGET_KEY}) has a line break inside it');
    expect(r.stderr).not.toContain('first-half');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(await fs.readFile(path.join(dir, '.env.canary'), 'utf8')).toBe(legacyEnvFile(legacy.url));
    expect(legacy.count() + target.count()).toBe(0);
  });
});
