// What no env file is: a binary (NUL bytes), bytes that are not UTF-8, or over 1 MiB. Each is
// refused with exit 2 naming the file (and, for size, its size) before anything relies on it; the
// size is known from stat, so a huge file is never read into memory.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { readEnvFile } from '../../src/core/envfile/file.js';
import { readDotenvFiles } from '../../src/core/config/dotenv.js';
import { planBackup } from '../../src/core/state/backup-plan.js';
import { beforeEach, describe, expect, it } from 'vitest';
import { tempProject } from '../helpers/project.js';

let dir: string;
beforeEach(() => {
  dir = tempProject('envfile-guard-');
});

async function file(name: string, content: Buffer | string): Promise<string> {
  const p = path.join(dir, name);
  await fs.writeFile(p, content);
  return p;
}

const refusal = (p: Promise<unknown>) =>
  p.then(
    () => ({ message: 'not refused', exitCode: 0 }),
    (err: { message: string; exitCode: number }) => err,
  );

describe('env files that are not env files', () => {
  it('a NUL byte: refused as binary, naming the file and the line', async () => {
    const p = await file('.env.bin', Buffer.concat([Buffer.from('A=1\nB=2\n'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x00, 0x01])]));
    const err = await refusal(readEnvFile(p));
    expect(err.exitCode).toBe(2);
    expect(err.message).toBe(`${p}:3: a NUL byte: this is a binary file, not an env file`);
  });

  it('invalid UTF-8: refused, naming the file', async () => {
    const p = await file('.env.latin1', Buffer.from([0x41, 0x3d, 0xe9, 0x0a]));
    const err = await refusal(readEnvFile(p));
    expect(err.exitCode).toBe(2);
    expect(err.message).toBe(`${p}: not UTF-8 text`);
  });

  it('over 1 MiB: refused from its size, without reading it into memory', async () => {
    const p = path.join(dir, '.env.huge');
    const handle = await fs.open(p, 'w');
    await handle.truncate(300 * 1024 * 1024); // sparse: 300 MiB that reading would allocate
    await handle.close();
    const before = process.memoryUsage().rss;
    const err = await refusal(readEnvFile(p));
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1024 * 1024);
    expect(err.exitCode).toBe(2);
    expect(err.message).toBe(`${p}: 300.0 MiB (314572800 bytes) is too large for an env file (the limit is 1 MiB): refused`);
  });

  it('exactly 1 MiB of text still reads', async () => {
    const line = 'K=' + 'v'.repeat(1021) + '\n';
    const p = await file('.env.big', line.repeat(1024));
    expect((await fs.stat(p)).size).toBe(1024 * 1024);
    await expect(readEnvFile(p)).resolves.toBeDefined();
  });

  it('the backup before a ramp refuses it (exit 2), naming the file as configured', async () => {
    await file('.env.canary', Buffer.from([0x00, 0x00, 0x00]));
    const err = await refusal(planBackup([{ path: '.env.canary', absolute: path.join(dir, '.env.canary') }]));
    expect(err.exitCode).toBe(2);
    expect(err.message).toBe('.env.canary:1: a NUL byte: this is a binary file, not an env file');
  });

  it('config loading skips it with a warning, so a rollback can still run and replace it', async () => {
    const good = await file('.env', 'OPENAI_API_KEY=sk-1\n');
    const bad = await file('.env.canary', Buffer.from('X=1\n\0'));
    const read = await readDotenvFiles([good, bad]);
    expect(read.vars).toEqual({ OPENAI_API_KEY: 'sk-1' });
    expect(read.refused).toEqual([`${bad}:2: a NUL byte: this is a binary file, not an env file; its variables were not read`]);
  });
});
