// Reading `migrate --help` output: the tests that hold --help examples and the docs to the real
// flags parse it the same way.
import { expect } from 'vitest';
import { ROOT, runCli } from './cli.js';

/** `migrate <args> --help` as printed (no colour); fails the test unless it exits 0. */
export async function help(args: string[]): Promise<string> {
  const r = await runCli([...args, '--help'], { cwd: ROOT });
  expect(r.exitCode, r.stderr).toBe(0);
  return r.stdout;
}

/** The command names under "Commands:" in `migrate --help`. */
export function commandsOf(text: string): string[] {
  const block = text.split(/^Commands:$/m)[1]?.split(/\n\n/)[0] ?? '';
  return [...block.matchAll(/^ {2}([a-z][\w-]*)/gm)].map((m) => m[1]!).filter((name) => name !== 'help');
}

/** Every spelling of every flag under "Options:" (`-e`, `--env`, `--no-restart`). */
export function flagsOf(text: string): Set<string> {
  const block = text.split(/^Options:$/m)[1]?.split(/\n\n/)[0] ?? '';
  return new Set([...block.matchAll(/(?<=^ {2}|, )(--?[\w-]+)/gm)].map((m) => m[1]!));
}
