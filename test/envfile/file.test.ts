import { promises as fs } from 'node:fs';
import path from 'node:path';
import dotenv from 'dotenv';
import { beforeEach, describe, expect, it } from 'vitest';
import { EnvFileError } from '../../src/core/envfile/errors.js';
import { parse } from '../../src/core/envfile/parse.js';
import { readEnvFile, updateEnvFile, writeEnvFile } from '../../src/core/envfile/file.js';
import { removeKey, setKey } from '../../src/core/envfile/edit.js';
import { onCleanup, tempProject } from '../helpers/project.js';

const NOBODY = 65534;
const CANARY = '# canary\r\nexport OPENAI_BASE_URL=https://api.openai.com/v1 # legacy\r\nOPENAI_API_KEY="sk-legacy-secret"\r\nLLM_TARGET_WEIGHT=0';

let dir: string;
beforeEach(() => {
  dir = tempProject('envfile-');
  // A test may leave the directory read-only; give it back its mode first so removal works as any user.
  onCleanup(() => fs.chmod(dir, 0o755).catch(() => undefined));
});

const mode = async (file: string) => (await fs.stat(file)).mode & 0o777;
const leftovers = async (where: string) => (await fs.readdir(where)).filter((f) => f.endsWith('.tmp'));

/** Root ignores directory permissions; drop to nobody for the body so the kernel enforces them. */
async function asNobody<T>(body: () => Promise<T>): Promise<T> {
  if (process.geteuid?.() !== 0) return body();
  expect(process.seteuid, 'root runs need process.seteuid (vitest forks pool)').toBeTypeOf('function');
  process.seteuid!(NOBODY);
  try {
    return await body();
  } finally {
    process.seteuid!(0);
  }
}

describe('updateEnvFile', () => {
  it('rewrites only the target line, keeps mode 0600, and leaves no temp file', async () => {
    const file = path.join(dir, '.env.canary');
    await fs.writeFile(file, CANARY, { mode: 0o600 });
    const result = await updateEnvFile(file, (doc) => setKey(doc, 'LLM_TARGET_WEIGHT', '20'));
    expect(await fs.readFile(file, 'utf8')).toBe(CANARY.replace('LLM_TARGET_WEIGHT=0', 'LLM_TARGET_WEIGHT=20'));
    expect(await mode(file)).toBe(0o600);
    expect(await leftovers(dir)).toEqual([]);
    expect(result).toMatchObject({ written: true, changed: true, keys: { added: [], removed: [], changed: ['LLM_TARGET_WEIGHT'] } });
  });

  // Only root can hand a file to another user.
  it.skipIf(process.geteuid?.() !== 0)('keeps the owner of the file', async () => {
    const file = path.join(dir, '.env');
    await fs.writeFile(file, 'A=1\n', { mode: 0o640 });
    await fs.chown(file, NOBODY, NOBODY);
    await updateEnvFile(file, (doc) => setKey(doc, 'A', '2'));
    const stat = await fs.stat(file);
    expect([stat.uid, stat.gid, stat.mode & 0o777]).toEqual([NOBODY, NOBODY, 0o640]);
  });

  it('on a dry run reports the key changes and writes nothing', async () => {
    const file = path.join(dir, '.env');
    await fs.writeFile(file, CANARY);
    const before = await fs.stat(file);
    const result = await updateEnvFile(file, (doc) => removeKey(setKey(doc, 'NEW', 'x'), 'OPENAI_API_KEY'), { dryRun: true });
    expect(result).toMatchObject({ written: false, changed: true, keys: { added: ['NEW'], removed: ['OPENAI_API_KEY'], changed: [] } });
    expect(await fs.readFile(file, 'utf8')).toBe(CANARY);
    expect((await fs.stat(file)).mtimeMs).toBe(before.mtimeMs);
  });

  it('does not touch the file when the edit changes nothing', async () => {
    const file = path.join(dir, '.env');
    await fs.writeFile(file, CANARY);
    const before = await fs.stat(file);
    const result = await updateEnvFile(file, (doc) => setKey(doc, 'LLM_TARGET_WEIGHT', '0'));
    expect(result.written).toBe(false);
    expect((await fs.stat(file)).ino).toBe(before.ino);
  });

  it('in a read-only directory fails naming the file, and leaves it intact', async () => {
    const sub = path.join(dir, 'app');
    const file = path.join(sub, '.env');
    await fs.mkdir(sub);
    await fs.writeFile(file, CANARY, { mode: 0o644 });
    await fs.chmod(dir, 0o755);
    await fs.chmod(sub, 0o555);
    const attempt = asNobody(() => updateEnvFile(file, (doc) => setKey(doc, 'LLM_TARGET_WEIGHT', '100')));
    await expect(attempt).rejects.toThrow(EnvFileError);
    await expect(attempt).rejects.toThrow(`${file}: cannot write env file (permission denied in ${sub}); it was left unchanged`);
    expect(await fs.readFile(file, 'utf8')).toBe(CANARY);
    expect(await fs.readdir(sub)).toEqual(['.env']);
  });

  it('writes through a symlinked env file instead of replacing the link', async () => {
    const shared = path.join(dir, 'shared');
    await fs.mkdir(shared);
    await fs.writeFile(path.join(shared, '.env'), 'A=1\n', { mode: 0o600 });
    const link = path.join(dir, '.env');
    await fs.symlink(path.join('shared', '.env'), link);
    await updateEnvFile(link, (doc) => setKey(doc, 'A', '2'));
    expect((await fs.lstat(link)).isSymbolicLink()).toBe(true);
    expect(await fs.readFile(path.join(shared, '.env'), 'utf8')).toBe('A=2\n');
    expect(await mode(path.join(shared, '.env'))).toBe(0o600);
    expect(await leftovers(dir)).toEqual([]);
    expect(await leftovers(shared)).toEqual([]);
  });
});

describe('writeEnvFile', () => {
  it('creates a new env file readable by its owner only', async () => {
    const file = path.join(dir, '.env.new');
    await writeEnvFile(file, setKey(parse(''), 'OPENAI_API_KEY', 'sk-x'));
    expect(await fs.readFile(file, 'utf8')).toBe('OPENAI_API_KEY=sk-x\n');
    expect(await mode(file)).toBe(0o600);
  });

  it('removes its temp file when the final rename fails', async () => {
    const file = path.join(dir, '.env');
    await fs.mkdir(file);
    await fs.writeFile(path.join(file, 'keep'), '');
    await expect(writeEnvFile(file, parse('A=1\n'))).rejects.toThrow(/^.*\.env: cannot write env file/);
    expect(await fs.readdir(dir)).toEqual(['.env']);
  });
});

describe('readEnvFile', () => {
  it('reads a BOM file with the meaning dotenv gives it', async () => {
    const file = path.join(dir, '.env');
    const bytes = Buffer.from('\uFEFFA=1\r\nB="x y"\r\n');
    await fs.writeFile(file, bytes);
    const doc = await readEnvFile(file);
    expect(doc.source).toBe(file);
    expect(Object.fromEntries(doc.entries.flatMap((e) => (e.kind === 'assignment' ? [[e.key, e.value]] : [])))).toEqual(dotenv.parse(bytes));
    await writeEnvFile(file, doc);
    expect((await fs.readFile(file)).equals(bytes)).toBe(true);
  });

  it('names a missing file', async () => {
    const file = path.join(dir, '.env.missing');
    await expect(readEnvFile(file)).rejects.toThrow(`${file}: cannot read env file (no such file or directory)`);
  });

  it('refuses bytes that are not UTF-8, since they could not be written back unchanged', async () => {
    const file = path.join(dir, '.env');
    await fs.writeFile(file, Buffer.from([0x41, 0x3d, 0xff, 0x0a]));
    await expect(readEnvFile(file)).rejects.toThrow(`${file}: not UTF-8 text`);
  });
});

describe('writeFileAtomic leftovers', () => {
  it("removes temp files a killed writer left behind, and keeps a live writer's", async () => {
    const { writeFileSync, readdirSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { writeFileAtomic } = await import('../../src/core/fs/atomic.js');
    const dir = tempProject('atomic-orphans-');
    // Temp files are named .<file>.<pid>.<random>.tmp beside the file.
    writeFileSync(join(dir, 'app.env'), 'A=1\n');
    writeFileSync(join(dir, '.app.env.999999.deadbeef.tmp'), 'A=half');
    writeFileSync(join(dir, `.app.env.${process.ppid}.cafebabe.tmp`), 'A=live');
    await writeFileAtomic(join(dir, 'app.env'), 'A=2\n');
    expect(readdirSync(dir).sort()).toEqual([`.app.env.${process.ppid}.cafebabe.tmp`, 'app.env']);
  });
});
