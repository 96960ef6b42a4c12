import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';

/** A fresh temp directory per call, removed after each test. */
export function useTmp(): () => string {
  const made: string[] = [];
  afterEach(() => {
    for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'migrate-state-'));
    made.push(dir);
    return dir;
  };
}

export function modeOf(stat: { mode: number }): string {
  return (stat.mode & 0o777).toString(8).padStart(4, '0');
}
