import { promises as fs, watch } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackup } from '../../src/core/state/backups.js';
import { startFakeProvider, type FakeProvider } from '../helpers/fake-provider.js';
import { auditLines, legacyText, makeProject, migrate, pointAtTarget, startMigrate, stateText, targetText, type Project, type ProjectOptions } from './cli.js';
import { KEYS, tempDir } from './helpers.js';

const KILLS = 50;
const FILES = 4;
/** Large enough that each atomic write (write + fsync + rename) takes measurable time. */
const PADDING = 512 * 1024;

let legacy: FakeProvider;
let target: FakeProvider;

beforeAll(async () => {
  legacy = await startFakeProvider({ name: 'legacy', apiKey: KEYS.legacy });
  target = await startFakeProvider({ name: 'target', apiKey: KEYS.target });
});
afterAll(async () => {
  await legacy?.close();
  await target?.close();
});

/**
 * Start the rollback and SIGKILL it: after `delayMs`, or, with `afterFirstWrite`, a few ms after
 * the first env file is renamed into place (aiming between two files' writes). Resolves with how it ended.
 */
function runAndKill(p: Project, kill: { delayMs: number } | { afterFirstWrite: true }): Promise<{ killed: boolean }> {
  const child = startMigrate(p, ['rollback', '--env', 'canary', '--yes', '--no-restart'], { CI: 'true' });
  const first = path.basename(p.envFiles[0]!);
  const watcher =
    'afterFirstWrite' in kill
      ? watch(path.dirname(p.envFiles[0]!), (_event, name) => {
          if (name === first) setTimeout(() => child.kill('SIGKILL'), Math.random() * 8);
        })
      : undefined;
  const timer = 'delayMs' in kill ? setTimeout(() => child.kill('SIGKILL'), kill.delayMs) : undefined;
  return child.then((r) => {
    clearTimeout(timer);
    watcher?.close();
    return { killed: r.signal === 'SIGKILL' };
  });
}

interface Lane {
  p: Project;
  newText: string[];
  killed: number;
  mixed: number;
}

/** One project killed `kills` times in a row; two lanes run side by side to keep the file fast. */
async function lane(o: ProjectOptions, kills: number): Promise<Lane> {
  const p = await makeProject(tempDir('migrate-crash-'), o);
  await createBackup({ stateDir: p.stateDir, environment: 'canary', files: p.envFiles.map((absolute, i) => ({ path: `env/${i}`, absolute })), toolVersion: 'test' });
  const oldText = p.envFiles.map((_, i) => targetText(o, i));
  const newText = p.envFiles.map((_, i) => legacyText(o, i));

  // One undisturbed run says how long a whole rollback takes.
  await pointAtTarget(p, o);
  const started = Date.now();
  const first = await migrate(p, ['rollback', '--env', 'canary', '--yes', '--no-restart'], { CI: 'true' });
  expect(first.exitCode, first.stderr).toBe(0);
  const wallMs = Date.now() - started;

  let killed = 0;
  let mixed = 0;
  for (let i = 0; i < kills; i++) {
    await pointAtTarget(p, o);
    // Half the kills at any moment of the run, half aimed just after the first file is replaced.
    const kill = i % 2 === 0 ? { delayMs: Math.random() * wallMs } : ({ afterFirstWrite: true } as const);
    if ((await runAndKill(p, kill)).killed) killed++;
    const now = await Promise.all(p.envFiles.map((f) => fs.readFile(f, 'utf8')));
    for (const [j, text] of now.entries()) {
      if (text !== oldText[j] && text !== newText[j]) throw new Error(`kill ${i} (${JSON.stringify(kill)}) left ${p.envFiles[j]} partial (${text.length} bytes)`);
    }
    const restored = now.filter((t, j) => t === newText[j]).length;
    if (restored > 0 && restored < FILES) mixed++;
  }
  return { p, newText, killed, mixed };
}

describe('a rollback killed at any moment', () => {
  it(`leaves every env file wholly old or wholly new (${KILLS} SIGKILLs), and the next rollback finishes`, async () => {
    const o: ProjectOptions = { legacyUrl: legacy.url, targetUrl: target.url, files: FILES, padding: PADDING };
    const lanes = await Promise.all([lane(o, KILLS / 2), lane(o, KILLS / 2)]);
    const killed = lanes.reduce((n, l) => n + l.killed, 0);
    expect(killed).toBeGreaterThanOrEqual(KILLS * 0.6);
    // Some kills landed between two files' writes: the test exercised the restore itself.
    expect(lanes.reduce((n, l) => n + l.mixed, 0)).toBeGreaterThan(0);

    // Left as the last kill left it (stale lock included): running it again finishes the job.
    for (const { p, newText } of lanes) {
      const final = await migrate(p, ['rollback', '--env', 'canary', '--yes', '--no-restart'], { CI: 'true' });
      expect(final.stderr).not.toContain('error');
      expect(final.exitCode).toBe(0);
      expect(await Promise.all(p.envFiles.map((f) => fs.readFile(f, 'utf8')))).toEqual(newText);
      expect((await auditLines(p)).at(-1)).toMatchObject({ command: 'rollback', result: 'ok' });
      const state = await stateText(p);
      for (const key of Object.values(KEYS)) expect(state).not.toContain(key);
    }
  }, 120_000);
});
