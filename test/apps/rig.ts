// Shared by the real-app end-to-end tests: what a user does by hand, and what the app's containers hold.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { containerEnv } from '../../src/core/compose/containers.js';
import { runCommand } from '../helpers/run.js';
import { LEGACY_KEY, TARGET_KEY, type CliResult } from '../ramp/helpers.js';

/**
 * The user's one hand edit after `migrate init`: the target's URL and key in .env.migrate.
 * `sloppy`: as pasted in a Windows editor, CRLF line ends and a space after the key.
 */
export async function fillTarget(dir: string, url: string, key: string, opts: { sloppy?: boolean } = {}): Promise<void> {
  const file = path.join(dir, '.env.migrate');
  const end = opts.sloppy ? ' \r' : '';
  // What init asks for: uncomment the two placeholder lines and fill them in.
  const filled = (await fs.readFile(file, 'utf8'))
    .replace(/^# TARGET_BASE_URL=.*$/m, `TARGET_BASE_URL=${url}${end}`)
    .replace(/^# TARGET_API_KEY=.*$/m, `TARGET_API_KEY=${key}${end}`);
  expect(filled).toContain(`TARGET_API_KEY=${key}`);
  await fs.writeFile(file, filled);
}

/** The base URL and key a container's app would use: its environment, then (dotenv) the .env mounted at `mounted`. */
export async function pairIn(id: string, urlVar: string, keyVar: string, mounted?: string): Promise<{ url?: string; key?: string }> {
  const env = await containerEnv(id, process.env);
  if (!mounted) return { url: env[urlVar], key: env[keyVar] };
  const seen = await runCommand({ argv: ['docker', 'exec', id, 'cat', mounted], kind: 'read', timeoutMs: 30_000 });
  const line = (name: string) => new RegExp(`^${name}=(.*)$`, 'm').exec(seen.stdout)?.[1];
  return { url: env[urlVar] ?? line(urlVar), key: env[keyVar] ?? line(keyVar) };
}

/** When docker last started the container: a recreate or restart changes it, an untouched container keeps it. */
export async function startedAt(id: string): Promise<string> {
  const r = await runCommand({ argv: ['docker', 'inspect', '-f', '{{.State.StartedAt}}', id], kind: 'read', timeoutMs: 30_000 });
  expect(r.exitCode, r.stderr).toBe(0);
  return r.stdout.trim();
}

export function expectNoKeys(...results: CliResult[]): void {
  for (const r of results) {
    expect(r.stdout + r.stderr).not.toContain(LEGACY_KEY);
    expect(r.stdout + r.stderr).not.toContain(TARGET_KEY);
  }
}
