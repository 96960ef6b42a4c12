// End-to-end rig for `migrate check`: temp projects, fake providers on loopback, and the built CLI
// run as a real process, as a user runs it.
import path from 'node:path';
import { expect } from 'vitest';
import { onCleanup, startCli, tempProject } from '../helpers/cli.js';
import { startFakeProvider, type FakeProvider, type FakeProviderOptions, type Faults } from '../helpers/fake-provider.js';

export { ROOT } from '../helpers/cli.js';

// Neither key looks like `sk-…`, so only exact-value scrubbing (not the key-shape regex) keeps them out of output.
export const LEGACY_KEY = 'legacykey-0123456789abcdef0123';
export const TARGET_KEY = 'targetkey-fedcba9876543210fedc';

/** A temp project directory holding `files`; removed after the test. */
export function project(files: Record<string, string>): string {
  return tempProject('migrate-check-', files);
}

export async function fake(options: FakeProviderOptions): Promise<FakeProvider> {
  const provider = await startFakeProvider(options);
  onCleanup(() => provider.close());
  return provider;
}

/** A legacy and a target fake with the keys the config below names. */
export async function providers(target: Partial<FakeProviderOptions> = {}, legacy: Partial<FakeProviderOptions> = {}) {
  return {
    legacy: await fake({ name: 'legacy', apiKey: LEGACY_KEY, ...legacy }),
    target: await fake({ name: 'target', apiKey: TARGET_KEY, ...target }),
  };
}

export interface ConfigParts {
  legacyUrl: string;
  targetUrl: string;
  /** Extra YAML lines inside providers.target (indented by the caller's 4 spaces). */
  target?: string[];
  legacy?: string[];
  models?: string[];
  /** Extra top-level YAML. */
  extra?: string[];
}

/** migrate.yaml whose keys come from the environment, as users write it. */
export function configYaml(parts: ConfigParts): string {
  return [
    'version: 1',
    'providers:',
    '  legacy:',
    `    baseUrl: ${parts.legacyUrl}`,
    '    apiKey: ${LEGACY_KEY}',
    ...(parts.legacy ?? []).map((l) => `    ${l}`),
    '  target:',
    `    baseUrl: ${parts.targetUrl}`,
    '    apiKey: ${TARGET_KEY}',
    ...(parts.target ?? []).map((l) => `    ${l}`),
    `models: [${(parts.models ?? ['gpt-4.1']).join(', ')}]`,
    ...(parts.extra ?? []),
    '',
  ].join('\n');
}

export interface RunOptions {
  env?: Record<string, string>;
  /** Extra node flags, e.g. --import for a loader hook. */
  nodeArgs?: string[];
  timeoutMs?: number;
}

/** Starts `migrate ...args` in `cwd` with the providers' keys (no colour unless asked); await it, or signal it. */
export function migrate(cwd: string, args: string[], opts: RunOptions = {}) {
  return startCli(args, { cwd, nodeArgs: opts.nodeArgs, timeoutMs: opts.timeoutMs ?? 25_000, env: { NO_COLOR: undefined, LEGACY_KEY, TARGET_KEY, ...opts.env } });
}

/** `migrate check` in a fresh project holding `yaml` (plus any other files). */
export function check(yaml: string, args: string[] = [], opts: RunOptions & { files?: Record<string, string> } = {}) {
  const cwd = project({ 'migrate.yaml': yaml, ...opts.files });
  return migrate(cwd, ['check', '--config', path.join(cwd, 'migrate.yaml'), ...args], opts);
}

/** Target with `faults`, checked alone; returns the CLI result, its JSON and the fake. */
export async function checkTarget(faults: Faults, args: string[] = [], targetYaml: string[] = []) {
  const { legacy, target } = await providers({ faults });
  const yaml = configYaml({ legacyUrl: legacy.url, targetUrl: target.url, target: targetYaml });
  const started = Date.now();
  const result = await check(yaml, ['--provider', 'target', '--json', ...args]);
  const elapsedMs = Date.now() - started;
  return { result, doc: json(result), target, elapsedMs };
}

type Result = { exitCode?: number; stdout: string; stderr: string };

/** Asserts the exit code; a failure shows what the CLI printed. */
export function expectExit(result: Result, code: number): void {
  expect(result.exitCode, `stdout:\n${result.stdout}\nstderr:\n${result.stderr}`).toBe(code);
}

/** The whole of stdout must be one JSON document. */
export function json(result: Result): CheckDocument {
  return JSON.parse(result.stdout) as CheckDocument;
}

export interface EndpointJson {
  role: string;
  node: string;
  verdict: 'pass' | 'warn' | 'fail';
  reach: { ok: boolean; error?: string; dnsMs?: number; connectMs?: number };
  models: { status: string; message?: string; missing?: string[]; ms?: number };
  chat: { status: string; message?: string; tokenParam?: string; ms?: number };
  stream: { status: string; message?: string; ttftMs?: number; chunks?: number; done?: boolean; usage?: boolean };
  samples: { requested: number; errors: number; latency: Record<string, { p50: number; p95: number; p99: number; count: number; mean: number } | undefined> };
  problems: Array<{ check: string; severity: string; message: string; hint?: string }>;
}

export interface CheckDocument {
  schemaVersion: number;
  ok: boolean;
  environment?: { name: string; files: Array<{ path: string; pointsAt: string }> };
  endpoints: EndpointJson[];
}

export function endpoint(doc: CheckDocument, role: string, node = 'main'): EndpointJson {
  const found = doc.endpoints.find((e) => e.role === role && e.node === node);
  if (!found) throw new Error(`no ${role} ${node} in ${JSON.stringify(doc.endpoints.map((e) => `${e.role}/${e.node}`))}`);
  return found;
}

export const ANSI = /\x1b\[/;
