// What a relay needs: its own model names (sent by the probes, written to the app's model variable
// at 100 %) and extra headers, which the env driver cannot carry (refused unless --force).
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configYaml, legacyEnvFile, migrate, probeRamp, project, providers, readState, LEGACY_KEY, TARGET_KEY } from './helpers.js';

const RELAY_MODEL = 'openai/gpt-4.1';

const canary = (extra: string[] = []) => [
  '  canary:',
  '    envFiles: [.env.canary]',
  '    cutover:',
  '      OPENAI_BASE_URL: ${TARGET_URL}',
  '      OPENAI_API_KEY: ${TARGET_KEY}',
  ...extra,
];

/** The target is a relay that only knows `openai/gpt-4.1`; `targetLines` go under providers.target. */
function relayConfig(legacyUrl: string, targetUrl: string, environment: string[], targetLines: string[] = []): string {
  return configYaml({ legacyUrl, targetUrl, environments: environment, ramp: probeRamp('50, 100', '800ms', '400ms') }).replace(
    '    apiKey: ${TARGET_KEY}\n',
    ['    apiKey: ${TARGET_KEY}', `    models: { gpt-4.1: "${RELAY_MODEL}" }`, ...targetLines, ''].join('\n'),
  );
}

const appEnv = (legacyUrl: string) => `${legacyEnvFile(legacyUrl)}DEFAULT_MODEL=gpt-4.1\n`;

describe('a relay target with its own model names', () => {
  it('probes send each provider its own name, the cut-over writes the mapped name to DEFAULT_MODEL, and rollback puts it back', async () => {
    const { legacy, target } = await providers({ models: [RELAY_MODEL] });
    const dir = project({
      'migrate.yaml': relayConfig(legacy.url, target.url, canary(['    modelVariables: [DEFAULT_MODEL]'])),
      '.env.canary': appEnv(legacy.url),
    });

    const r = await migrate(dir, ['ramp', '--env', 'canary'], { targetUrl: target.url });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`warning: target needs model ${RELAY_MODEL} for gpt-4.1: written to DEFAULT_MODEL at 100 % (modelVariables)`);
    const sentTo = (fake: typeof target) => new Set(fake.requests.filter((q) => q.path === '/v1/chat/completions').map((q) => q.model));
    expect(sentTo(target)).toEqual(new Set([RELAY_MODEL]));
    expect(sentTo(legacy)).toEqual(new Set(['gpt-4.1']));
    const after = await fs.readFile(path.join(dir, '.env.canary'), 'utf8');
    expect(after).toContain(`\nDEFAULT_MODEL=${RELAY_MODEL}\n`);
    expect(after).toContain(`OPENAI_API_KEY=${TARGET_KEY}\n`);

    const back = await migrate(dir, ['rollback', '--env', 'canary', '--yes'], { targetUrl: target.url });
    expect(back.code, back.stderr).toBe(0);
    expect(await fs.readFile(path.join(dir, '.env.canary'), 'utf8')).toBe(appEnv(legacy.url));
    for (const out of [r.stdout, r.stderr, back.stdout, back.stderr]) {
      expect(out).not.toContain(TARGET_KEY);
      expect(out).not.toContain(LEGACY_KEY);
    }
  });

  it('the env driver without a model variable holding the model is refused (exit 2) before anything is sent', async () => {
    const { legacy, target } = await providers({ models: [RELAY_MODEL] });
    const dir = project({ 'migrate.yaml': relayConfig(legacy.url, target.url, canary()), '.env.canary': appEnv(legacy.url) });
    const r = await migrate(dir, ['ramp', '--env', 'canary', '--dry-run'], { targetUrl: target.url });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `error: target needs model ${RELAY_MODEL} for gpt-4.1, and no variable in environments.canary.modelVariables holds gpt-4.1 in the env files: list the variable that names the model, or make the app send ${RELAY_MODEL} and pass --force`,
    );
    expect(legacy.count() + target.count()).toBe(0);
  });
});

describe('a relay target that needs a header', () => {
  const HEADER = ['    headers: { X-Portkey-Provider: openai }'];

  it('the env driver cannot add it: --dry-run and the ramp say so and exit 2; nothing is sent or written', async () => {
    const { legacy, target } = await providers({ models: [RELAY_MODEL] });
    const dir = project({
      'migrate.yaml': relayConfig(legacy.url, target.url, canary(['    modelVariables: [DEFAULT_MODEL]']), HEADER),
      '.env.canary': appEnv(legacy.url),
    });
    for (const args of [['--dry-run'], []]) {
      const r = await migrate(dir, ['ramp', '--env', 'canary', ...args], { targetUrl: target.url });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(
        'error: target needs header X-Portkey-Provider; the env driver cannot add headers: use the nginx driver (a gateway in front of the app), or make the app send it and pass --force',
      );
    }
    expect(legacy.count() + target.count()).toBe(0);
    expect(await readState(dir)).toBeUndefined();
    expect(await fs.readFile(path.join(dir, '.env.canary'), 'utf8')).toBe(appEnv(legacy.url));

    const forced = await migrate(dir, ['ramp', '--env', 'canary', '--dry-run', '--force'], { targetUrl: target.url });
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stderr).toContain('the env driver cannot add headers');
    expect(forced.stderr).toContain('(--force: going on)');
  });

  it('check --env says what the target needs, and the check itself sends the header and the mapped model', async () => {
    const { legacy, target } = await providers({ models: [RELAY_MODEL] });
    const dir = project({ 'migrate.yaml': relayConfig(legacy.url, target.url, canary(), HEADER), '.env.canary': appEnv(legacy.url) });
    const r = await migrate(dir, ['check', '--env', 'canary', '--provider', 'target', '--samples', '1'], { targetUrl: target.url });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stderr).toContain('warning: target needs header X-Portkey-Provider; the env driver cannot add headers');
    expect(r.stderr).toContain(`warning: target needs model ${RELAY_MODEL} for gpt-4.1, and no variable in environments.canary.modelVariables holds gpt-4.1`);
    const chats = target.requests.filter((q) => q.path === '/v1/chat/completions');
    expect(chats.length).toBeGreaterThan(0);
    expect(new Set(chats.map((q) => q.model))).toEqual(new Set([RELAY_MODEL]));
  });
});
