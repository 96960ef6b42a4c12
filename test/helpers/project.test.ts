// The temp-project helper: files and modes as given, and every directory gone once its test ends,
// whether a test or its beforeEach made it.
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { tempProject } from './project.js';

const made: string[] = [];
let fromBeforeEach = '';
beforeEach(() => {
  fromBeforeEach = tempProject('migrate-helper-each-');
  made.push(fromBeforeEach);
});
afterAll(() => {
  for (const dir of made) expect(existsSync(dir), dir).toBe(false);
});

describe('tempProject', () => {
  it('writes the files, in folders, with the modes given whatever the umask', () => {
    const dir = tempProject('migrate-helper-', {
      'migrate.yaml': 'version: 1\n',
      'env/.env.canary': { content: 'K=v\n', mode: 0o600 },
      'bin/tool': { content: '#!/bin/sh\n', mode: 0o755 },
    });
    made.push(dir);
    expect(readFileSync(path.join(dir, 'migrate.yaml'), 'utf8')).toBe('version: 1\n');
    expect(statSync(path.join(dir, 'env/.env.canary')).mode & 0o777).toBe(0o600);
    expect(statSync(path.join(dir, 'bin/tool')).mode & 0o777).toBe(0o755);
    expect(path.basename(dir)).toMatch(/^migrate-helper-/);
  });

  it('removed the previous test’s directories, its own and its beforeEach’s', () => {
    expect(made.length).toBe(3);
    for (const dir of made.slice(0, 2)) expect(existsSync(dir), dir).toBe(false);
    expect(existsSync(fromBeforeEach)).toBe(true);
  });
});
