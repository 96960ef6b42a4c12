// In-place writes: the inode, owner and mode stay; a write cut short is repaired from its journal.
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../src/core/fs/atomic.js';
import { repairTornWrite, writeFileInPlace } from '../../src/core/fs/in-place.js';
import { hashOf, journalPaths, writeJournal } from '../../src/core/fs/journal.js';
import { tempProject } from '../helpers/project.js';

const OLD = 'OPENAI_BASE_URL=https://legacy.example/v1\nOPENAI_API_KEY=sk-legacy-0000000000001111\n';
const NEW = 'OPENAI_BASE_URL=https://target.example/v1\nOPENAI_API_KEY=hs-target-0000000000002222\nLLM_TARGET_WEIGHT=100\n';

let dir: string;
let file: string;
beforeEach(async () => {
  dir = tempProject('in-place-');
  file = path.join(dir, '.env');
  await fs.writeFile(file, OLD);
  await fs.chmod(file, 0o640);
});

/** A pid that no process has now: a child that already exited. */
const deadPid = () => spawnSync('true').pid;

/** The journal an in-place write leaves while it runs, as if its writer (`pid`) died mid-write. */
async function journalOf(pid: number, oldBytes: string, newBytes: string): Promise<string> {
  const journal = await writeJournal(file, Buffer.from(oldBytes), hashOf(newBytes));
  const text = await fs.readFile(journal, 'latin1');
  await fs.writeFile(journal, text.replace(/pid=\d+/, `pid=${pid}`), 'latin1');
  return journal;
}

describe('writeFileAtomic({ inPlace: true })', () => {
  it('writes into the same inode, keeps the mode, and leaves no journal or temp file', async () => {
    const before = await fs.stat(file);
    const result = await writeFileAtomic(file, NEW, { inPlace: true });
    const after = await fs.stat(file);
    expect(await fs.readFile(file, 'utf8')).toBe(NEW);
    expect([after.ino, after.mode & 0o777, after.uid, after.gid]).toEqual([before.ino, 0o640, before.uid, before.gid]);
    expect(result).toEqual({ method: 'in-place', mode: 0o640 });
    expect(await fs.readdir(dir)).toEqual(['.env']);
  });

  it('a shorter content is cut to length', async () => {
    await writeFileInPlace(file, 'A=1\n');
    expect(await fs.readFile(file, 'utf8')).toBe('A=1\n');
  });

  it('a private file that others may read is tightened to 0600, and says from what', async () => {
    await fs.chmod(file, 0o644);
    expect(await writeFileAtomic(file, NEW, { inPlace: true, private: true })).toEqual({ method: 'in-place', mode: 0o600, tightenedFrom: 0o644 });
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
  });

  it('journals the old bytes, 0600, before touching the file', async () => {
    const journal = await writeJournal(file, Buffer.from(OLD), hashOf(NEW));
    expect(journal).toBe(path.join(dir, '..env.migrate-journal'));
    expect((await fs.stat(journal)).mode & 0o777).toBe(0o600);
  });
});

describe('repairTornWrite', () => {
  it('puts the old bytes back into a file whose writer died mid-write', async () => {
    const journal = await journalOf(deadPid(), OLD, NEW);
    const ino = (await fs.stat(file)).ino;
    await fs.writeFile(file, NEW.slice(0, 30)); // the torn file: half new, the rest missing
    expect(await repairTornWrite(file)).toBe('restored');
    expect(await fs.readFile(file, 'utf8')).toBe(OLD);
    expect((await fs.stat(file)).ino).toBe(ino);
    await expect(fs.stat(journal)).rejects.toThrow(/ENOENT/);
  });

  it('keeps a write that landed in full and only drops its journal', async () => {
    const journal = await journalOf(deadPid(), OLD, NEW);
    await fs.writeFile(file, NEW);
    expect(await repairTornWrite(file)).toBe('completed');
    expect(await fs.readFile(file, 'utf8')).toBe(NEW);
    await expect(fs.stat(journal)).rejects.toThrow(/ENOENT/);
  });

  it('leaves a write in progress alone (its writer is alive)', async () => {
    const journal = await journalOf(process.ppid, OLD, NEW);
    await fs.writeFile(file, NEW.slice(0, 30));
    expect(await repairTornWrite(file)).toBeUndefined();
    expect(await fs.readFile(file, 'utf8')).toBe(NEW.slice(0, 30));
    expect((await fs.stat(journal)).isFile()).toBe(true);
  });

  it('a whole new write supersedes a stale journal', async () => {
    const journal = await journalOf(deadPid(), OLD, NEW);
    await writeFileAtomic(file, 'A=2\n');
    await expect(fs.stat(journal)).rejects.toThrow(/ENOENT/);
    expect(await repairTornWrite(file)).toBeUndefined();
    expect(await fs.readFile(file, 'utf8')).toBe('A=2\n');
  });

  it('has nothing to do without a journal', async () => {
    expect(await repairTornWrite(file)).toBeUndefined();
    expect(journalPaths(file)[0]).toBe(path.join(dir, '..env.migrate-journal'));
  });
});
