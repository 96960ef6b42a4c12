import { spawn, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import { createBackup } from '../../src/core/state/backups.js';
import { lockFile } from '../../src/core/state/paths.js';
import { tempProject } from '../helpers/project.js';

/** Keys used across these tests: grep for them in everything the tool writes or prints. */
export const KEYS = {
  legacy: 'sk-legacy-ROLLBACKTEST-1111aaaa',
  target: 'sk-target-ROLLBACKTEST-2222bbbb',
  db: 'pw-db-ROLLBACKTEST-3333cccc',
};

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

export function tempDir(prefix = 'migrate-rollback-'): string {
  return tempProject(prefix);
}

export function envText(baseUrl: string, key: string, extra: Record<string, string> = {}): string {
  const lines = [`# canary app`, `OPENAI_BASE_URL=${baseUrl}`, `OPENAI_API_KEY=${key}`, `APP_DB_PASSWORD=${KEYS.db}`];
  for (const [k, v] of Object.entries(extra)) lines.push(`${k}=${v}`);
  return `${lines.join('\n')}\n`;
}

/** Snapshot files in-process (the backup command has its own tests). */
export function backupOf(stateDir: string, environment: string, files: Array<{ path: string; absolute: string }>, now?: Date) {
  return createBackup({ stateDir, environment, files, toolVersion: 'test', now });
}

/** A live process on this host that is not us, to hold a lock. Killed after the test. */
export function liveProcess(): ChildProcess {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 600000)'], { stdio: 'ignore' });
  children.push(child);
  return child;
}

export async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await new Promise((r) => child.on('exit', r));
  return child.pid!;
}

export async function writeLock(stateDir: string, environment: string, holder: { pid: number; command: string; host?: string; user?: string; boot?: string }): Promise<string> {
  const file = lockFile(stateDir, environment);
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, JSON.stringify({ host: os.hostname(), time: '2026-01-01T00:00:00.000Z', ...holder }));
  return file;
}
