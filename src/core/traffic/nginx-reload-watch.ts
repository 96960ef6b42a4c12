import { promises as fs } from 'node:fs';
import type { Runner } from '../exec/command.js';
import { errorLogOf, generationOf, pidFileOf, reloadComplaint, type Generation, type NginxProcess } from './nginx-reload.js';

// Taken just before `nginx -s reload`: the workers then, and where the master's complaint will be
// logged, so that after the signal a reload the master refused is told apart from one it took.

export interface ReloadWatch {
  where: NginxProcess;
  before: Generation;
  /** The master's complaint logged since the watch was taken (undefined: nothing found). */
  complaint(): Promise<string | undefined>;
}

/** On the host (`binary` + `args` address the instance) or in `container`; undefined when the processes cannot be read. */
export async function watchReload(o: { binary: string; args: string[]; container?: string; run: Runner }): Promise<ReloadWatch | undefined> {
  if (o.container) {
    const where = { container: o.container };
    const before = await generationOf(where, o.run);
    const since = Math.floor(Date.now() / 1000) - 1;
    const complaint = async () => {
      const logs = await o.run({ argv: ['docker', 'logs', '--since', String(since), o.container!], kind: 'read', timeoutMs: 10_000 }).catch(() => undefined);
      return logs ? reloadComplaint(`${logs.stdout}\n${logs.stderr}`) : undefined;
    };
    return before ? { where, before, complaint } : undefined;
  }
  const dump = await o.run({ argv: [o.binary, ...o.args, '-T'], kind: 'read', timeoutMs: 30_000 }).catch(() => undefined);
  if (dump?.exitCode !== 0) return undefined;
  const needsVersion = !/^\s*pid\s/m.test(dump.stdout) || !o.args.includes('-e');
  const version = needsVersion ? ((await o.run({ argv: [o.binary, '-V'], kind: 'read', timeoutMs: 10_000 }).catch(() => undefined))?.stderr ?? '') : '';
  const pidFile = pidFileOf(dump.stdout, version, o.args);
  if (!pidFile) return undefined;
  const where = { pidFile };
  const before = await generationOf(where, o.run);
  const log = errorLogOf(dump.stdout, version, o.args);
  const from = log ? ((await fs.stat(log).catch(() => undefined))?.size ?? 0) : 0;
  const complaint = async () => {
    if (!log) return undefined;
    const text = await fs.readFile(log).catch(() => undefined);
    return text ? reloadComplaint(text.subarray(from).toString('utf8')) : undefined;
  };
  return before ? { where, before, complaint } : undefined;
}
