// Temp directories for tests: one helper makes them, and each is removed when the test that made
// it finishes (or, made outside a test, e.g. in beforeAll, when the file's tests are done), so no
// test leaves files behind and none can see another's.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, onTestFinished } from 'vitest';

const fileLevel: Array<() => unknown> = [];
afterAll(async () => {
  for (const cleanup of fileLevel.splice(0).reverse()) await cleanup();
});

/** Runs `fn` when the current test finishes (last registered first); outside a test, after the file. */
export function onCleanup(fn: () => unknown): void {
  try {
    onTestFinished(async () => {
      await fn();
    });
  } catch {
    // Not inside a test (beforeAll, module scope): what was made there serves every test of the file.
    fileLevel.push(fn);
  }
}

/** A file's content, or its content and mode (applied exactly, whatever the umask). */
export type ProjectFile = string | Buffer | { content: string | Buffer; mode: number };

/** Writes `files` (paths may have folders) into `dir`. */
export function writeFiles(dir: string, files: Record<string, ProjectFile>): void {
  for (const [name, file] of Object.entries(files)) {
    const full = path.join(dir, name);
    mkdirSync(path.dirname(full), { recursive: true });
    const { content, mode } = typeof file === 'string' || Buffer.isBuffer(file) ? { content: file, mode: undefined } : file;
    writeFileSync(full, content);
    if (mode !== undefined) chmodSync(full, mode);
  }
}

/** A temp directory `<prefix>XXXXXX` holding `files`; removed after the test. */
export function tempProject(prefix = 'migrate-test-', files: Record<string, ProjectFile> = {}): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  writeFiles(dir, files);
  return dir;
}
