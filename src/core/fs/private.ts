import { promises as fs } from 'node:fs';

/**
 * Create `file` (it must not exist) readable by its owner only, write `data` and fsync it.
 * For copies of env files and lock records: nobody else on the machine may read them.
 */
export async function writeNewPrivateFile(file: string, data: string | Uint8Array): Promise<void> {
  const handle = await fs.open(file, 'wx', 0o600);
  try {
    await handle.chmod(0o600); // open() applies the umask; chmod does not
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}
