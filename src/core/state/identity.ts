import os from 'node:os';

/**
 * Who and where, for manifests, locks and the audit log. Never throws: a record beats no record.
 * `env` (the Context's processEnv) is read only when the uid has no passwd entry.
 */
export function currentUser(env: NodeJS.ProcessEnv): string {
  try {
    return os.userInfo().username;
  } catch {
    // No passwd entry (common for arbitrary uids in containers).
    return env.USER ?? env.LOGNAME ?? `uid:${process.getuid?.() ?? '?'}`;
  }
}

export function currentHost(): string {
  return os.hostname();
}

/** True while the process exists on this host; EPERM means it exists but belongs to someone else. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
