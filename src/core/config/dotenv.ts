import { readFile } from 'node:fs/promises';
import { parse } from 'dotenv';
import { unreadable } from './unreadable.js';

export interface DotenvVars {
  /** Variable name -> value; the first file that defines a name wins. */
  vars: Record<string, string>;
  /** Variable name -> the file it was read from. */
  origin: Record<string, string>;
  /** Every file asked for, in order of precedence, with what it held (absent: it did not exist). */
  files: { file: string; vars?: Record<string, string> }[];
}

/** Read dotenv files in order of precedence; a file that does not exist is skipped. */
export async function readDotenvFiles(files: readonly string[]): Promise<DotenvVars> {
  const read: DotenvVars['files'] = [];
  for (const file of [...new Set(files)]) {
    const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT' || err.code === 'EISDIR') return undefined;
      throw unreadable(file, 'env file', err);
    });
    read.push({ file, vars: text === undefined ? undefined : parse(text) });
  }
  return mergeDotenv(read);
}

/** The same precedence over contents already read: a rollback swaps in the backup's copies here. */
export function mergeDotenv(files: DotenvVars['files']): DotenvVars {
  const result: DotenvVars = { vars: {}, origin: {}, files };
  for (const { file, vars } of files) {
    for (const [name, value] of Object.entries(vars ?? {})) {
      if (name in result.vars) continue;
      result.vars[name] = value;
      result.origin[name] = file;
    }
  }
  return result;
}
