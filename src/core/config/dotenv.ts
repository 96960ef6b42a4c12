import { parse } from 'dotenv';
import { EnvFileError } from '../envfile/errors.js';
import { readEnvText } from '../envfile/guard.js';
import { unreadable } from './problems.js';

export interface DotenvVars {
  /** Variable name -> value; the first file that defines a name wins. */
  vars: Record<string, string>;
  /** Variable name -> the file it was read from. */
  origin: Record<string, string>;
  /** Files skipped because they are no env file (binary, over 1 MiB): warnings, so a rollback still loads the config. */
  refused: string[];
  /** Every file asked for, in order of precedence, with what it held (absent: it did not exist). */
  files: { file: string; vars?: Record<string, string> }[];
}

/** Read dotenv files in order of precedence; a file that does not exist is skipped. */
export async function readDotenvFiles(files: readonly string[]): Promise<DotenvVars> {
  const refused: string[] = [];
  const read: DotenvVars['files'] = [];
  for (const file of [...new Set(files)]) {
    const text = await readEnvText(file).catch((err: NodeJS.ErrnoException) => {
      if (err instanceof EnvFileError) return void refused.push(`${err.message}; its variables were not read`);
      if (err.code === 'ENOENT' || err.code === 'EISDIR') return undefined;
      throw unreadable(file, 'env file', err);
    });
    read.push({ file, vars: text === undefined ? undefined : parse(text) });
  }
  return { ...mergeDotenv(read), refused };
}

/** The same precedence over contents already read: a rollback swaps in the backup's copies here. */
export function mergeDotenv(files: DotenvVars['files']): DotenvVars {
  const result: DotenvVars = { vars: {}, origin: {}, refused: [], files };
  for (const { file, vars } of files) {
    for (const [name, value] of Object.entries(vars ?? {})) {
      if (name in result.vars) continue;
      result.vars[name] = value;
      result.origin[name] = file;
    }
  }
  return result;
}
