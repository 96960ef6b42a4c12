// `validate --dry-run` (built CLI, fake providers on loopback): it prints the requests a run would
// send and sends none; chat completions cost tokens.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli, tempProject } from '../helpers/cli.js';
import { startFakeProvider, type FakeProvider } from '../helpers/fake-provider.js';

const KEYS = { LEGACY_KEY: 'sk-legacy-dryrun-0123456789', TARGET_KEY: 'sk-target-dryrun-9876543210' };

let legacy: FakeProvider;
let target: FakeProvider;
let dir: string;

beforeAll(async () => {
  [legacy, target] = await Promise.all([startFakeProvider({ name: 'legacy', apiKey: KEYS.LEGACY_KEY }), startFakeProvider({ name: 'target', apiKey: KEYS.TARGET_KEY })]);
});
afterAll(async () => {
  await Promise.all([legacy.close(), target.close()]);
});
beforeEach(() => {
  dir = tempProject('validate-dry-');
  writeFileSync(
    path.join(dir, 'migrate.yaml'),
    `version: 1
providers:
  legacy: { baseUrl: "${legacy.url}", apiKey: "\${LEGACY_KEY}" }
  target: { baseUrl: "${target.url}", apiKey: "\${TARGET_KEY}" }
models: [gpt-4.1]
`,
  );
  legacy.resetCounts();
  target.resetCounts();
});

const migrate = (args: string[]) => runCli(['validate', ...args], { cwd: dir, env: KEYS, timeoutMs: 20_000 });

describe('validate --dry-run', () => {
  it('prints the plan of the built-in suite on both providers and sends nothing', async () => {
    const r = await migrate(['--dry-run']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(legacy.requests).toEqual([]);
    expect(target.requests).toEqual([]);
    const [head, ...lines] = r.stdout.trim().split('\n');
    expect(head).toMatch(/^dry run: would send (\d+) chat completion\(s\) and 6 probe\(s\) \(bad-key, unknown-model, models\); nothing was sent$/);
    const planned = Number(/send (\d+)/.exec(head!)![1]);
    expect(planned).toBeGreaterThan(0);
    expect(lines).toHaveLength(planned);
    expect(lines.filter((l) => l.includes(`POST ${target.url}/chat/completions`))).toHaveLength(planned / 2);
    for (const key of Object.values(KEYS)) expect(r.stdout + r.stderr).not.toContain(key);
  });

  it('--json prints the plan as one document; --provider narrows it', async () => {
    const r = await migrate(['--dry-run', '--json', '--provider', 'target']);
    expect(r.exitCode, r.stderr).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect(plan.dryRun).toBe(true);
    expect(plan.requests.length).toBeGreaterThan(0);
    expect(new Set(plan.requests.map((q: { provider: string }) => q.provider))).toEqual(new Set(['target']));
    expect(legacy.requests.length + target.requests.length).toBe(0);
  });
});
