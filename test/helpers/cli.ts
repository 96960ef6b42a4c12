// The shared part of the end-to-end rigs that run the built CLI: where it is, building it when a
// lone `vitest run` finds dist/ missing, temp projects, and per-test cleanup. Importing this module
// registers the hooks in the importing test file.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterEach, beforeAll } from 'vitest';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = path.join(ROOT, 'bin/migrate.js');

// `npm test` builds dist first; a lone `vitest run test/<dir>` builds it here.
beforeAll(async () => {
  if (!existsSync(path.join(ROOT, 'dist/cli.js'))) await execa('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: ROOT });
});

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Runs `fn` after the current test, last registered first. */
export function onCleanup(fn: () => unknown): void {
  cleanups.push(fn);
}

/** A temp directory `<prefix>XXXXXX` holding `files` (paths may have folders); removed after the test. */
export function tempProject(prefix: string, files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), content);
  }
  return dir;
}
