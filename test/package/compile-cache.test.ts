// Node 22.1+ keeps compiled code between runs; bin/migrate.js puts that cache in the user's own
// home. Where Node has no compile cache (Node 20) there is nothing to check, and these are skipped.
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import * as nodeModule from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { onCleanup, runCli } from '../helpers/cli.js';

const CACHE = ['.cache', 'migrate', 'node-compile-cache'];
// @types/node is Node 20's, which has no enableCompileCache.
const hasCache = typeof (nodeModule as { enableCompileCache?: unknown }).enableCompileCache === 'function';
const isRoot = process.getuid?.() === 0;

function home(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'migrate-home-'));
  onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe.skipIf(!hasCache)("Node's compile cache", () => {
  it("is kept in the user's own home", async () => {
    const dir = home();
    expect((await runCli(['doctor', '--help'], { home: dir })).exitCode).toBe(0);
    expect(readdirSync(path.join(dir, ...CACHE)).length).toBeGreaterThan(0);
    expect(statSync(path.join(dir, '.cache')).uid).toBe(process.getuid?.());
  });

  // sudo keeps the invoking user's HOME on some systems: root must not leave root-owned files there.
  it.skipIf(!isRoot)("is not written by root into another user's home", async () => {
    const dir = home();
    chownSync(dir, 4242, 4242);
    expect((await runCli(['doctor', '--help'], { home: dir })).exitCode).toBe(0);
    expect(existsSync(path.join(dir, '.cache'))).toBe(false);
  });
});
