// Header values in printed config: a credential header (matched on whole words of its name, so
// Helicone-Auth counts) is redacted by `config`, `config --json` and `nginx-config`; a header that
// only contains such letters (x-portkey-provider) is printed as it is.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCli } from '../helpers/cli.js';
import { project } from './helpers.js';

const KEYS = { LEGACY_KEY: 'sk-legacy-0123456789abcdef0123', TARGET_KEY: 'sk-target-fedcba9876543210wxyz', HELICONE_KEY: 'sk-helicone-7d1e0c5b9a2f4e6d8c0b' };

function configured(): string {
  return project({
    '.env.canary': 'LLM_TARGET_WEIGHT=0\n',
    'migrate.yaml': `version: 1
providers:
  legacy: { baseUrl: "https://api.openai.com/v1", apiKey: "\${LEGACY_KEY}" }
  target:
    baseUrl: "https://gateway.example/v1"
    apiKey: "\${TARGET_KEY}"
    headers: { Helicone-Auth: "Bearer \${HELICONE_KEY}", x-portkey-provider: openai, x-request-id: fixed-id-for-tests }
models: [gpt-4.1]
environments:
  canary:
    envFiles: [.env.canary]
    traffic: { driver: nginx, file: nginx/migrate.conf }
`,
  });
}

const migrate = (cwd: string, args: string[]) => runCli(args, { cwd, env: KEYS });

describe('credential headers in printed config', () => {
  it('config and config --json redact Helicone-Auth and show x-portkey-provider', async () => {
    const cwd = configured();
    for (const args of [['config'], ['config', '--json']]) {
      const r = await migrate(cwd, args);
      expect(r.exitCode, r.stderr).toBe(0);
      for (const key of Object.values(KEYS)) expect(r.stdout + r.stderr).not.toContain(key.slice(-16));
      const printed = args.includes('--json') ? JSON.parse(r.stdout) : parse(r.stdout);
      expect(printed.providers.target.headers).toEqual({ 'Helicone-Auth': 'Bearer sk-…8c0b', 'x-portkey-provider': 'openai', 'x-request-id': 'fixed-id-for-tests' });
    }
  });

  it('nginx-config redacts Helicone-Auth in the include and keeps x-portkey-provider', async () => {
    const cwd = configured();
    const r = await migrate(cwd, ['nginx-config', '--env', 'canary', '--weight', '20']);
    expect(r.exitCode, r.stderr).toBe(0);
    for (const key of Object.values(KEYS)) expect(r.stdout + r.stderr).not.toContain(key.slice(-16));
    expect(r.stdout).toContain('"Bearer sk-…8c0b"');
    expect(r.stdout).toContain('"openai"');
  });
});
