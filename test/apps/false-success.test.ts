// What used to be reported as success on real apps now fails loudly, with real docker-compose v1
// on the Open WebUI and LibreChat layouts, configured by `migrate init` and then hand-edited the
// way a user might: the step names the container and what it holds, exits 1, and the automatic
// rollback leaves the app's containers on the legacy pair.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { realApp, type RealApp } from '../helpers/apps.js';
import { dockerAvailable } from '../helpers/docker.js';
import { LEGACY_KEY, migrate, onCleanup, providers, readState, TARGET_KEY } from '../ramp/helpers.js';
import { expectNoKeys, fillTarget, pairIn } from './rig.js';

const available = await dockerAvailable();

/** init, the user's .env.migrate edit, then `edit` applied to migrate.yaml; the app is up. */
async function initialised(fixture: string, urlVar: string, keyVar: string, edit: (yaml: string) => string) {
  const { legacy, target } = await providers();
  const app: RealApp = await realApp(fixture, { [urlVar]: legacy.url, [keyVar]: LEGACY_KEY });
  onCleanup(() => app.down());
  const init = await migrate(app.dir, ['init', '--yes']);
  expect(init.code, init.stderr).toBe(0);
  await fillTarget(app.dir, target.url, TARGET_KEY);
  const file = path.join(app.dir, 'migrate.yaml');
  const yaml = await fs.readFile(file, 'utf8');
  const edited = edit(yaml);
  expect(edited).not.toBe(yaml);
  await fs.writeFile(file, edited);
  await app.up();
  return { app, legacy, target, before: await app.ids() };
}

const CUT = ['--stages', '100', '--soak', '1s', '--interval', '500ms', '--rps', '10', '--min-samples', '3'];

describe.skipIf(!available)('false success on real apps now fails loudly', () => {
  it(
    'Open WebUI, a cut-over map that sets only the key: exit 1 naming open-webui and `mixed`; rolled back to the legacy pair; the mixed pair was never sent',
    { timeout: 120_000 },
    async () => {
      const { app, legacy, before } = await initialised('open-webui', 'OPENAI_API_BASE_URL', 'OPENAI_API_KEY', (y) => y.replace(/^ {6}OPENAI_API_BASE_URL: .*\n/m, ''));

      const ramp = await migrate(app.dir, ['ramp', '--env', 'default', '--yes', ...CUT]);

      expect(ramp.code, ramp.stdout + ramp.stderr).toBe(1);
      expect(ramp.stderr).toMatch(/✗ open-webui \([0-9a-f]{12}\): OPENAI_API_BASE_URL → legacy, key of target \(mixed\); the cut-over meant target/);
      expect(ramp.stdout + ramp.stderr).not.toMatch(/ramp of default completed/);
      expect((await readState(app.dir, 'default'))?.status).toBe('rolled-back');
      const after = await app.ids();
      expect(await pairIn(after['open-webui']!, 'OPENAI_API_BASE_URL', 'OPENAI_API_KEY')).toEqual({ url: legacy.url, key: LEGACY_KEY });
      expect(after.ollama).toBe(before.ollama);
      expect(legacy.count({ authorized: false })).toBe(0); // the target's key never went to legacy
      expectNoKeys(ramp);
    },
  );

  it(
    'LibreChat, compose.services narrowed to rag_api: api still reads the old .env through its bind mount; exit 1 naming api and /app/.env; rolled back',
    { timeout: 120_000 },
    async () => {
      const { app, legacy, before } = await initialised('compose-librechat', 'OPENAI_REVERSE_PROXY', 'OPENAI_API_KEY', (y) =>
        y.replace('      # services: [api, rag_api]', '      services: [rag_api]'),
      );

      const ramp = await migrate(app.dir, ['ramp', '--env', 'default', '--yes', ...CUT]);

      expect(ramp.code, ramp.stdout + ramp.stderr).toBe(1);
      expect(ramp.stderr).toMatch(/leaves out api, which reads the env files/);
      expect(ramp.stderr).toMatch(/✗ api \([0-9a-f]{12}\): OPENAI_REVERSE_PROXY → legacy, key of legacy \(read from \/app\/\.env\); the cut-over meant target/);
      expect(ramp.stdout + ramp.stderr).not.toMatch(/ramp of default completed/);
      const after = await app.ids();
      expect(after.api).toBe(before.api); // never recreated: it is on the old inode, which says legacy
      expect(await pairIn(after.api!, 'OPENAI_REVERSE_PROXY', 'OPENAI_API_KEY', '/app/.env')).toEqual({ url: legacy.url, key: LEGACY_KEY });
      expect(await pairIn(after.rag_api!, 'OPENAI_REVERSE_PROXY', 'OPENAI_API_KEY')).toEqual({ url: legacy.url, key: LEGACY_KEY });
      expect(after.mongodb).toBe(before.mongodb);
      expectNoKeys(ramp);
    },
  );
});
