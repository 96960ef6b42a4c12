// End-to-end rig for `migrate ramp` and `migrate status`: a temp project, fake providers on
// loopback, and the built CLI run as a real process in CI mode, as a pipeline runs it.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { onCleanup, startCli, tempProject } from '../helpers/cli.js';
import { startFakeProvider, type FakeProvider, type FakeProviderOptions } from '../helpers/fake-provider.js';

export { onCleanup, ROOT } from '../helpers/cli.js';

// Neither looks like `sk-…`: only exact-value redaction keeps them out of output.
export const LEGACY_KEY = 'legacykey-RAMP-0123456789abcdef';
export const TARGET_KEY = 'targetkey-RAMP-fedcba9876543210';

export function project(files: Record<string, string>): string {
  return tempProject('migrate-ramp-', files);
}

export async function providers(target: Partial<FakeProviderOptions> = {}): Promise<{ legacy: FakeProvider; target: FakeProvider }> {
  const legacy = await startFakeProvider({ name: 'legacy', apiKey: LEGACY_KEY });
  const targetFake = await startFakeProvider({ name: 'target', apiKey: TARGET_KEY, ...target });
  // A test may have stopped one already (a killed node).
  onCleanup(() => legacy.close().catch(() => undefined));
  onCleanup(() => targetFake.close().catch(() => undefined));
  return { legacy, target: targetFake };
}

export interface ConfigParts {
  legacyUrl: string;
  targetUrl: string;
  /** YAML lines of environments: (indented by the caller, 2 spaces per level below `environments:`). */
  environments?: string[];
  /** YAML lines inside the top-level ramp block (4 spaces). */
  ramp?: string[];
  extra?: string[];
}

/** A canary environment on the env driver with no compose: the ramp only writes its env file. */
export const CANARY = ['  canary:', '    envFiles: [.env.canary]', '    cutover:', '      OPENAI_BASE_URL: ${TARGET_URL}', '      OPENAI_API_KEY: ${TARGET_KEY}'];

/** A ramp block gated by probes alone: `probeRamp('10, 100', '20s', '400ms')`. */
// The latency ratio is judged only above 500 ms: over a handful of loopback requests on a loaded
// 2-core machine one 52 ms probe against legacy's 2 ms is a 24x "slowdown" that rolled healthy
// ramps back; these tests are about errors and traffic, and test/gates judges latency itself.
export function probeRamp(stages: string, soak: string, interval: string): string[] {
  return [`  stages: [${stages}]`, `  soak: ${soak}`, `  interval: ${interval}`, '  gates: { minSamples: 3, p95RatioFloorMs: 500 }', '  sources: { probes: { rps: 10 } }'];
}

export const SHORT_RAMP = probeRamp('10, 20, 100', '1200ms', '400ms');

export function configYaml(p: ConfigParts): string {
  return [
    'version: 1',
    'providers:',
    '  legacy:',
    `    baseUrl: ${p.legacyUrl}`,
    '    apiKey: ${LEGACY_KEY}',
    '  target:',
    `    baseUrl: ${p.targetUrl}`,
    '    apiKey: ${TARGET_KEY}',
    'models: [gpt-4.1]',
    'environments:',
    ...(p.environments ?? CANARY),
    'ramp:',
    ...(p.ramp ?? SHORT_RAMP),
    ...(p.extra ?? []),
    '',
  ].join('\n');
}

export function legacyEnvFile(legacyUrl: string): string {
  return `# the app's provider\nOPENAI_BASE_URL=${legacyUrl}\nOPENAI_API_KEY=${LEGACY_KEY}\nLLM_TARGET_WEIGHT=0\n`;
}

/** A project with migrate.yaml and .env.canary pointing at legacy. */
export function canaryProject(p: ConfigParts, files: Record<string, string> = {}): string {
  return project({ 'migrate.yaml': configYaml(p), '.env.canary': legacyEnvFile(p.legacyUrl), ...files });
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** What the ramp's CLI runs with: both keys, the target's URL for configs that name it, CI mode. */
export function rampEnv(targetUrl: string | undefined, extra: Record<string, string> = {}): Record<string, string> {
  return { LEGACY_KEY, TARGET_KEY, TARGET_URL: targetUrl ?? '', CI: 'true', ...extra };
}

/** Start the CLI in `dir` (CI mode, no stdin); await it for the result, or kill it. */
export function spawnMigrate(dir: string, args: string[], opts: { targetUrl?: string; env?: Record<string, string>; timeoutMs?: number } = {}): ReturnType<typeof startCli> {
  const child = startCli(args, { cwd: dir, env: rampEnv(opts.targetUrl, opts.env), timeoutMs: opts.timeoutMs ?? 120_000 });
  onCleanup(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return child;
}

export async function migrate(dir: string, args: string[], opts: { targetUrl?: string; env?: Record<string, string> } = {}): Promise<CliResult> {
  const r = await spawnMigrate(dir, args, opts);
  return { code: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

export interface StateFile {
  status: string;
  current: number;
  appliedWeight: number;
  backupId?: string;
  reason?: string;
  lock?: { pid: number };
  stages: Array<{ weight: number; status: string }>;
  gates: Array<{ at: string; stage: number; weight: number; outcome: string; action: string; line: string; checks: unknown[] }>;
}

export async function readState(dir: string, env = 'canary'): Promise<StateFile | undefined> {
  const text = await fs.readFile(path.join(dir, '.migrate/state', `${env}.json`), 'utf8').catch(() => undefined);
  return text === undefined ? undefined : (JSON.parse(text) as StateFile);
}

/** Poll the state file until `ok` holds (the ramp is a separate process). */
export async function waitForState(dir: string, ok: (s: StateFile) => boolean, timeoutMs = 20_000, env = 'canary'): Promise<StateFile> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const s = await readState(dir, env).catch(() => undefined);
    if (s && ok(s)) return s;
    if (Date.now() > until) throw new Error(`state of ${env} never matched; last: ${JSON.stringify(s)?.slice(0, 400)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The stage in progress is `weight` and its weight has been applied (soaking). */
export const soakingAt = (weight: number) => (s: StateFile) => s.stages[s.current]?.weight === weight && s.stages[s.current]?.status === 'soaking';

export async function readAudit(dir: string): Promise<Array<{ command: string; result: string; details?: Record<string, unknown> }>> {
  const text = await fs.readFile(path.join(dir, '.migrate/audit.log'), 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

/** No key may appear in anything the tool wrote or printed. */
export async function expectNoSecrets(dir: string, ...texts: string[]): Promise<void> {
  const written = [await fs.readFile(path.join(dir, '.migrate/audit.log'), 'utf8').catch(() => ''), JSON.stringify(await readState(dir))];
  for (const text of [...texts, ...written]) {
    expect(text).not.toContain(LEGACY_KEY);
    expect(text).not.toContain(TARGET_KEY);
  }
}

/** One JSON object per stdout line (--json). */
export function events(stdout: string): Array<Record<string, unknown>> {
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

/** The bytes a backup holds for the environment's first env file, as `migrate rollback` restores them. */
export async function backupCopy(dir: string, backupId: string): Promise<Buffer> {
  const backup = path.join(dir, '.migrate/backups', backupId);
  const manifest = JSON.parse(await fs.readFile(path.join(backup, 'manifest.json'), 'utf8')) as { files: Array<{ stored: string }> };
  return fs.readFile(path.join(backup, manifest.files[0]!.stored));
}
