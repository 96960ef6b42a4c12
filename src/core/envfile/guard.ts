import { promises as fs } from 'node:fs';
import { EnvFileError } from './errors.js';

// What no env file is: over 1 MiB, a binary (NUL bytes), or not UTF-8. Refused before any
// command relies on the file, so a ramp never reaches 100 % and only then finds it cannot
// edit it; and checked from the file's size before it is read, so a huge file costs nothing.

export const MAX_ENV_FILE_BYTES = 1024 * 1024;

/** The text of an env file, or an EnvFileError (exit 2) naming it; I/O errors are thrown as they are. */
export async function readEnvText(file: string): Promise<string> {
  // Judged before it is opened: opening a FIFO planted in its place would wait forever for a writer.
  const before = await fs.stat(file);
  if (!before.isFile() && !before.isDirectory()) throw new EnvFileError(`${file}: not a regular file, so not an env file`, { hint: ENVFILES_HINT });
  const handle = await fs.open(file, 'r');
  try {
    const stat = await handle.stat();
    if (stat.isFile()) assertEnvFileSize(file, stat.size);
    else if (!stat.isDirectory()) throw new EnvFileError(`${file}: not a regular file, so not an env file`, { hint: ENVFILES_HINT });
    return envText(await handle.readFile(), file);
  } finally {
    await handle.close();
  }
}

export function assertEnvFileSize(file: string, size: number): void {
  if (size <= MAX_ENV_FILE_BYTES) return;
  throw new EnvFileError(`${file}: ${mib(size)} is too large for an env file (the limit is 1 MiB): refused`, { hint: ENVFILES_HINT });
}

/** The bytes as text: NUL bytes mean a binary file; other bytes must be UTF-8 (dotenv reads UTF-8). */
export function envText(bytes: Uint8Array, file: string): string {
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    const line = bytes.subarray(0, nul).reduce((n, b) => (b === 0x0a ? n + 1 : n), 1);
    throw new EnvFileError(`${file}:${line}: a NUL byte: this is a binary file, not an env file`, { hint: ENVFILES_HINT });
  }
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch (err) {
    throw new EnvFileError(`${file}: not UTF-8 text`, { cause: err, hint: 'convert the file to UTF-8 (iconv -t UTF-8), or fix envFiles in migrate.yaml' });
  }
}

const ENVFILES_HINT = 'check environments.<name>.envFiles in migrate.yaml: it should name KEY=value text files';

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB (${bytes} bytes)`;
}
