import { promises as fs } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../../errors.js';
import { writeFileAtomic } from '../fs/atomic.js';
import type { MonitoringFile } from './plan.js';

/**
 * Write every file, or none when one exists and `force` is not given (checked before the first
 * write). Each file atomically; a key file (and its directory) readable by its owner only.
 */
export async function writeMonitoring(files: MonitoringFile[], opts: { force: boolean; cwd: string }): Promise<{ file: string; mode: number; replaced: boolean }[]> {
  const existing = new Set<string>();
  for (const f of files) {
    const st = await fs.lstat(f.file).catch(() => undefined);
    if (st && !st.isFile() && !st.isSymbolicLink())
      throw new UsageError(`${rel(opts.cwd, f.file)} exists and is not a file; nothing was written`, { hint: 'move it away or pick another --out' });
    if (st) existing.add(f.file);
  }
  if (existing.size > 0 && !opts.force) {
    const names = [...existing].map((f) => rel(opts.cwd, f));
    throw new UsageError(`${names.length} file(s) exist: ${names.join(', ')}; nothing was written`, { hint: 'pass --force to overwrite them, or --out DIR for another directory' });
  }
  const written = [];
  for (const f of files) {
    await fs.mkdir(path.dirname(f.file), { recursive: true, mode: f.secret ? 0o700 : 0o755 });
    const result = await writeFileAtomic(f.file, f.content, { mode: f.mode, private: f.secret });
    written.push({ file: f.file, mode: result.mode, replaced: existing.has(f.file) });
  }
  return written;
}

function rel(cwd: string, file: string): string {
  return path.relative(cwd, file) || file;
}
