import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../../errors.js';
import { EnvFileError } from '../envfile/errors.js';
import { assertEnvFileSize, envText } from '../envfile/guard.js';
import { assertLinksTrusted } from '../fs/links.js';
import { type BackupFile, type PointsAt, formatMode } from './manifest.js';

/** An env file to back up: the path as configured and where it is on disk. */
export interface BackupSource {
  path: string;
  absolute: string;
}

/** Decides which provider a file points at; the caller knows the providers. */
export type PointsAtFn = (file: BackupSource & { content: string }) => PointsAt;

export interface PlannedFile extends BackupFile {
  content: Buffer;
}

/**
 * Read every file once and describe the copy to make. Reading once means the checksum
 * describes exactly the bytes that will be stored, even if the file changes meanwhile.
 * All missing files are reported together so one run tells the user everything to fix.
 */
export async function planBackup(files: Array<string | BackupSource>, pointsAt?: PointsAtFn): Promise<PlannedFile[]> {
  const sources = files.map(toSource);
  if (sources.length === 0) throw new UsageError('nothing to back up: the environment lists no envFiles');
  // A planted link is refused before its target is copied, not only when it would be written.
  for (const source of sources) await assertLinksTrusted(source.absolute);
  const read = await Promise.all(sources.map(readSource));
  const failed = sources.flatMap((s, i) => (read[i] instanceof Error ? [{ path: s.path, why: read[i].message }] : []));
  if (failed.length > 0) {
    const names = failed.map((f) => f.path).join(', ');
    throw new UsageError(`cannot back up: env file${failed.length === 1 ? ` ${names} is` : `s ${names} are`} missing`, {
      details: failed.map((f) => `${f.path}: ${f.why}`),
      hint: 'fix envFiles in the config (paths are relative to the config file), or create the files',
    });
  }
  return read.map((r, i) => describe(sources[i]!, r as Read, i, pointsAt));
}

interface Read {
  content: Buffer;
  mode: number;
}

async function readSource(source: BackupSource): Promise<Read | Error> {
  try {
    const stat = await fs.stat(source.absolute);
    if (!stat.isFile()) return new Error(`not a regular file (${source.absolute})`);
    // A binary or huge "env file" would only fail at 100 %, when the cut-over edits it: refuse it before anything happens.
    assertEnvFileSize(source.path, stat.size);
    const content = await fs.readFile(source.absolute);
    envText(content, source.path);
    return { content, mode: stat.mode };
  } catch (err) {
    if (err instanceof EnvFileError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    return new Error(code === 'ENOENT' ? `no such file (${source.absolute})` : `${code ?? 'unreadable'} (${source.absolute})`);
  }
}

function describe(source: BackupSource, read: Read, index: number, pointsAt?: PointsAtFn): PlannedFile {
  return {
    path: source.path,
    absolute: source.absolute,
    stored: `${index}-${path.basename(source.absolute)}`,
    sha256: sha256(read.content),
    mode: formatMode(read.mode),
    size: read.content.length,
    pointsAt: pointsAt ? pointsAt({ ...source, content: read.content.toString('utf8') }) : 'unknown',
    content: read.content,
  };
}

function toSource(file: string | BackupSource): BackupSource {
  return typeof file === 'string' ? { path: file, absolute: path.resolve(file) } : file;
}

export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}
