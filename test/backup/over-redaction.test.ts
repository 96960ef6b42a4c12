// Redaction shows what is not secret: a variable such as PORTKEY_PROVIDER=openai or MAX_TOKENS=4096
// in an env file is not a credential, so "openai" and "4096" in a backup's note stay readable,
// while a real secret of the same file is still redacted in every case.
import { promises as fs, rmSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempProject, type CliResult } from '../helpers/cli.js';

const KEYS = { OPENAI_API_KEY: 'sk-legacy-OVERREDACT-0123456789', TARGET_API_KEY: 'hs-target-OVERREDACT-9876543210' };
const DB_PASSWORD = 'pw-db-OVERREDACT-55667788';

function migrate(dir: string, ...args: string[]): Promise<CliResult> {
  return runCli(['--config', path.join(dir, 'migrate.yaml'), ...args], { cwd: dir, env: KEYS, keepFinalNewline: true });
}

describe('backup notes', () => {
  it('keep words that only non-secret variables hold, and redact the secret ones in any case', async () => {
    const dir = tempProject('migrate-overredact-');
    await fs.writeFile(
      path.join(dir, 'migrate.yaml'),
      'version: 1\nproviders:\n  legacy: { baseUrl: "https://api.openai.com/v1", apiKey: "${OPENAI_API_KEY}" }\n  target: { baseUrl: "http://127.0.0.1:9/v1", apiKey: "${TARGET_API_KEY}" }\nmodels: [gpt-4.1]\nenvironments:\n  canary: { envFiles: [.env.canary] }\n',
    );
    await fs.writeFile(path.join(dir, '.env.canary'), `PORTKEY_PROVIDER=openai\nMAX_TOKENS=4096\nDB_PASSWORD=${DB_PASSWORD}\n`);

    const r = await migrate(dir, 'backup', '--env', 'canary', '-m', `openai relay, 4096 tokens, db ${DB_PASSWORD.toUpperCase()}`);
    expect(r.exitCode, r.stderr).toBe(0);
    const manifest = JSON.parse(await fs.readFile(path.join(dir, '.migrate/backups', r.stdout.trim(), 'manifest.json'), 'utf8'));
    expect(manifest.message).toMatch(/^openai relay, 4096 tokens, db (…|pw-…)/i);
    expect(manifest.message.toLowerCase()).not.toContain(DB_PASSWORD.slice(3, 15).toLowerCase());
  });
});
