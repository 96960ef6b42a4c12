import { promises as fs } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Context } from '../../src/context.js';
import { loadConfig } from '../../src/core/config/load.js';
import { Output } from '../../src/core/output/output.js';
import { UsageError } from '../../src/errors.js';
import { report } from '../../src/main.js';
import { tempProject } from '../helpers/project.js';

// main.ts's report() is the one place errors are printed: whatever raised the error (a library,
// a bug, server text quoted in a MigrateError), no key may reach the terminal or --json.

afterEach(() => {
  vi.restoreAllMocks();
});

function run(err: unknown, opts: { env?: NodeJS.ProcessEnv; json?: boolean; verbose?: boolean } = {}) {
  let text = '';
  const sink = new PassThrough();
  sink.on('data', (chunk) => (text += chunk));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((text += String(chunk)), true));
  const out = new Output({ stdout: sink, stderr: sink, json: Boolean(opts.json), quiet: false, verbose: Boolean(opts.verbose), color: false, live: false });
  const ctx = { out, processEnv: opts.env ?? {}, global: { verbose: opts.verbose, json: opts.json } } as unknown as Context;
  const code = report(ctx, err);
  vi.restoreAllMocks();
  return { code, text: () => text };
}

/** A project whose target key lives only in .env.migrate: nothing but the loaded config knows it. */
async function loadedKey(): Promise<string> {
  const key = `zz${Math.random().toString(36).slice(2)}QWERTYuiop0987`;
  const dir = tempProject('migrate-errred-');
  await fs.writeFile(path.join(dir, '.env.migrate'), `TARGET_KEY=${key}\n`, { mode: 0o600 });
  await fs.writeFile(
    path.join(dir, 'migrate.yaml'),
    'version: 1\nproviders:\n  legacy: { baseUrl: "http://127.0.0.1:9/v1", apiKey: "legacy-key-not-this-one-000" }\n  target: { baseUrl: "http://127.0.0.1:9/v1", apiKey: "${TARGET_KEY}" }\nmodels: [m]\nenvironments: {}\n',
  );
  await loadConfig({ cwd: dir, processEnv: {}, configPath: path.join(dir, 'migrate.yaml') });
  return key;
}

describe('every error path is redacted', () => {
  it('an unexpected error quoting a loaded key, in any case or base64, prints none of it (message, stack, --json)', async () => {
    const key = await loadedKey();
    const err = new TypeError(`bad header ${key} / ${key.toUpperCase()} / ${Buffer.from(`u:${key}`).toString('base64')}`);
    for (const opts of [{}, { verbose: true }, { json: true }]) {
      const r = run(err, opts);
      expect(r.code).toBe(1);
      expect(r.text()).toContain('unexpected: bad header');
      expect(r.text().toLowerCase()).not.toContain(key.slice(4, 16).toLowerCase());
      expect(r.text()).not.toContain(Buffer.from(`u:${key}`).toString('base64').slice(4, 20));
    }
  });

  it("a MigrateError's message, details, hint and --json report are redacted too", async () => {
    const key = await loadedKey();
    const err = new UsageError(`refused ${key}`, { details: [`line ${key}`], hint: `unset ${key}` });
    err.data = { nested: [{ echo: `body said ${key}` }] };
    const r = run(err, { json: true });
    expect(r.code).toBe(2);
    expect(r.text()).toContain('refused');
    expect(r.text()).toContain('body said');
    expect(r.text()).not.toContain(key.slice(0, 12));
  });

  it('without a config: credential-named variables of the environment and key-shaped text are redacted', () => {
    const envKey = 'plainvalue-from-the-env-XYZ123';
    const shaped = 'sk-proj-AbCdEfGhIjKlMnOpQrStUv12';
    const bearer = 'Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig';
    const r = run(new Error(`failed: ${envKey}; ${shaped}; Authorization: ${bearer}; path /tmp/ssh-agent.1`), {
      env: { OPENAI_API_KEY: envKey, SSH_AUTH_SOCK: '/tmp/ssh-agent.1' },
    });
    expect(r.text()).not.toContain(envKey.slice(0, 12));
    expect(r.text()).not.toContain('AbCdEfGhIjKl');
    expect(r.text()).not.toContain('eyJhbGciOiJIUzI1NiJ9');
    expect(r.text()).toContain('sk-…Uv12');
    expect(r.text()).toContain('Authorization: Bearer');
    expect(r.text()).toContain('path /tmp/ssh-agent.1');
  });
});
