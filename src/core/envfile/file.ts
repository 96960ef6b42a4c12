import path from 'node:path';
import { writeFileAtomic } from '../fs/atomic.js';
import type { EnvDocument } from './document.js';
import { type KeyDiff, diffKeys } from './diff.js';
import { EnvFileError } from './errors.js';
import { readEnvText } from './guard.js';
import { parse, print } from './parse.js';

/** A new env file holds secrets: readable by its owner only. Existing files keep their mode. */
const NEW_FILE_MODE = 0o600;

export async function readEnvFile(file: string): Promise<EnvDocument> {
  let text: string;
  try {
    text = await readEnvText(file);
  } catch (err) {
    if (err instanceof EnvFileError) throw err;
    throw new EnvFileError(`${file}: cannot read env file (${reason(err, file)})`, {
      cause: err,
      hint: 'check the path under environments.<name>.envFiles in migrate.yaml',
    });
  }
  return parse(text, { source: file });
}

/** Replace the file atomically: a reader or a crash sees the old text or the new, never a mix. */
export async function writeEnvFile(file: string, doc: EnvDocument): Promise<void> {
  try {
    await writeFileAtomic(file, print(doc), { mode: NEW_FILE_MODE });
  } catch (err) {
    throw new EnvFileError(`${file}: cannot write env file (${reason(err, file)}); it was left unchanged`, {
      cause: err,
      hint: `make ${path.dirname(file)} writable for this user, or run as the file's owner`,
    });
  }
}

export interface EnvFileUpdate {
  file: string;
  before: EnvDocument;
  after: EnvDocument;
  /** Key names only, for "what will change" displays. */
  keys: KeyDiff;
  /** Whether the text differs (a comment-only or quoting change has no key diff). */
  changed: boolean;
  /** False on a dry run or when nothing changed. */
  written: boolean;
}

/** Read, apply a pure edit, and write only if the text changed and this is not a dry run. */
export async function updateEnvFile(file: string, edit: (doc: EnvDocument) => EnvDocument, opts: { dryRun?: boolean } = {}): Promise<EnvFileUpdate> {
  const before = await readEnvFile(file);
  const after = edit(before);
  const changed = print(after) !== print(before);
  const written = changed && !opts.dryRun;
  if (written) await writeEnvFile(file, after);
  return { file, before, after, keys: diffKeys(before, after), changed, written };
}

function reason(err: unknown, file: string): string {
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return `permission denied in ${path.dirname(file)}`;
    case 'EROFS':
      return 'read-only file system';
    case 'ENOSPC':
      return 'no space left on device';
    case 'EISDIR':
      return 'it is a directory';
    default:
      return code ?? (err as Error).message;
  }
}
