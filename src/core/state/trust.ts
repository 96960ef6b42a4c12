import { promises as fs, type Stats } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UsageError } from '../../errors.js';

/**
 * The state directory holds what rollback writes back as root, so whoever can change it can
 * choose what root writes where. Like ssh's StrictModes, migrate uses it only when nobody but
 * the user running migrate (or root) could have put anything there: every path checked must be
 * a real file or directory (no symlink), owned by the current user or root (root trusts root
 * only), and not writable by group or others. Paths that do not exist yet are fine.
 */
export class UntrustedStateError extends UsageError {
  constructor(
    readonly file: string,
    why: string,
    hint: string,
  ) {
    super(`refusing to use ${file}: ${why}`, { hint });
  }
}

/** Throws UntrustedStateError for the first path that fails the rule; `stateDir` names the fix. */
export async function assertTrusted(stateDir: string, ...paths: string[]): Promise<void> {
  const uid = process.getuid?.();
  if (uid === undefined) return; // no owners to compare (Windows)
  for (const p of paths) {
    const stat = await fs.lstat(p).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return undefined;
      throw new UsageError(`cannot inspect ${p} (${err.code ?? err.message})`, { hint: `check the permissions of ${stateDir}` });
    });
    if (stat) await judge(p, stat, uid, stateDir);
  }
}

/** The state directory itself and the folders under it that commands read. */
export function assertStateDirTrusted(stateDir: string): Promise<void> {
  const sub = ['backups', 'state', 'locks'].map((d) => path.join(stateDir, d));
  return assertTrusted(stateDir, stateDir, ...sub);
}

async function judge(p: string, stat: Stats, uid: number, stateDir: string): Promise<void> {
  if (stat.isSymbolicLink()) {
    const target = await fs.readlink(p).catch(() => '?');
    throw new UntrustedStateError(
      p,
      `it is a symlink (to ${target}); migrate follows no links in its state directory`,
      'replace the link with a real directory owned by you (mode 0700) and move into it only what you trust',
    );
  }
  const fix = `if you trust its contents, run \`chown -R ${owner(uid)}: ${shellQuote(stateDir)} && chmod -R go-w ${shellQuote(stateDir)}\`; otherwise move it aside and look at what is in it`;
  const trusted = stat.uid === uid || (uid !== 0 && stat.uid === 0);
  if (!trusted) throw new UntrustedStateError(p, `owned by uid ${stat.uid}, not by ${uid === 0 ? 'root' : `you (uid ${uid}) or root`}`, fix);
  if (stat.mode & 0o022) {
    const who = stat.mode & 0o020 && stat.mode & 0o002 ? 'group and others' : stat.mode & 0o020 ? 'its group' : 'others';
    throw new UntrustedStateError(p, `writable by ${who} (mode ${(stat.mode & 0o7777).toString(8).padStart(4, '0')})`, fix);
  }
}

/** What chown should name: the user's name, or the uid when it has none (a container's arbitrary uid). */
function owner(uid: number): string {
  if (uid === 0) return 'root';
  try {
    return os.userInfo().username;
  } catch {
    return String(uid);
  }
}

function shellQuote(p: string): string {
  return /^[\w./@%+=:,-]+$/.test(p) ? p : `'${p.replace(/'/g, `'\\''`)}'`;
}
