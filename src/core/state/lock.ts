import { randomBytes } from 'node:crypto';
import { promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import * as z from '../zod.js';
import { ExitCode, MigrateError } from '../../errors.js';
import { removeDeadTemps } from '../fs/atomic.js';
import { writeNewPrivateFile } from '../fs/private.js';
import { sha256 } from './backup-plan.js';
import { currentHost, currentUser, isAlive } from './identity.js';
import { ensurePrivateDir, lockFile } from './paths.js';
import { assertStateDirTrusted } from './trust.js';

const lockInfoSchema = z.object({
  pid: z.number().check(z.int(), z.positive()),
  host: z.string(),
  command: z.string(),
  time: z.string(),
  user: z.optional(z.string()),
  /** Tells our lock from a later one held by a process that reused our pid. */
  token: z.optional(z.string()),
  /** The kernel's boot id: after a reboot the pid may belong to another process. Absent in old locks. */
  boot: z.optional(z.string()),
});

export type LockInfo = z.output<typeof lockInfoSchema>;

/**
 * A lock we removed because its holder is gone: `dead` (no such pid), `rebooted` (taken before
 * this host last booted), or `unreadable` (the file was garbage).
 */
export type StaleLock = Omit<Partial<LockInfo>, 'token' | 'boot'> & { reason: 'dead' | 'rebooted' | 'unreadable' };

export interface Lock {
  file: string;
  info: LockInfo;
  takenOver?: StaleLock;
  /** Removes the lock only if it is still ours. Safe to call twice. */
  release(): Promise<void>;
}

/** Someone else is acting on this environment. `holder` says who. */
export class LockHeldError extends MigrateError {
  readonly holder: LockInfo;
  readonly file: string;

  constructor(environment: string, file: string, holder: LockInfo, exitCode: 2 | 3 = ExitCode.usage) {
    const where = holder.host === currentHost() ? '' : ` on host ${holder.host}`;
    const user = holder.user ? `, run by ${holder.user}` : '';
    super(`environment ${environment} is locked by pid ${holder.pid}${where} (${holder.command}${user}) since ${holder.time}`, {
      exitCode,
      hint: `wait for it to finish or stop it (kill ${holder.pid}); ` + `if that process is not migrate, delete ${file} and run again`,
    });
    this.holder = holder;
    this.file = file;
  }
}

/** Attempts, spaced by RETRY_MS, before giving up on a lock that keeps changing hands. */
const MAX_ATTEMPTS = 100;
const RETRY_MS = 20;
/** A takeover takes milliseconds; a marker older than this was left by a crash (on any host). */
const MARKER_ABANDONED_MS = 10_000;

/**
 * Take the environment's lock: a file created exclusively holding pid, host, command and time.
 * A lock whose process is dead or that predates the last boot (same host), or whose file is
 * garbage, is taken over, and `takenOver` says so; a lock held by a live process, or by another
 * host, is refused.
 */
export async function acquireLock(stateDir: string, environment: string, opts: { command: string; processEnv?: NodeJS.ProcessEnv }): Promise<Lock> {
  const file = lockFile(stateDir, environment);
  await assertStateDirTrusted(stateDir);
  await ensurePrivateDir(path.dirname(file));
  await sweepTemps(stateDir, path.dirname(file));
  const info = lockInfo(opts.command, opts.processEnv ?? {});
  const won = (takenOver?: StaleLock): Lock => ({ file, info, takenOver, release: () => releaseIfOurs(file, info) });
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    if (await createExclusive(file, lockText(info))) return won();
    const text = await fs.readFile(file, 'utf8').catch(() => undefined);
    if (text !== undefined) {
      const stale = judge(environment, file, text);
      if (await takeOver(file, text, info)) return won(stale);
    }
    await sleep(RETRY_MS);
  }
  throw new MigrateError(`could not take the lock ${file}: it keeps changing hands`, {
    exitCode: ExitCode.usage,
    hint: 'another migrate process is starting on this environment; run `migrate status` and try again',
  });
}

/**
 * Temp files of killed runs: lock records and takeover markers (locks/) and ramp states (state/).
 * Whoever takes a lock is about to act on the state directory, so this is the moment to tidy it.
 */
async function sweepTemps(stateDir: string, locks: string): Promise<void> {
  await removeDeadTemps(locks, { olderThanMs: MARKER_ABANDONED_MS });
  await removeDeadTemps(path.join(stateDir, 'state'), { olderThanMs: MARKER_ABANDONED_MS });
}

function lockInfo(command: string, processEnv: NodeJS.ProcessEnv): LockInfo {
  return {
    pid: process.pid,
    host: currentHost(),
    command,
    time: new Date().toISOString(),
    user: currentUser(processEnv),
    token: randomBytes(8).toString('hex'),
    boot: bootId(),
  };
}

let cachedBoot: string | null | undefined;

/** Linux's id of the current boot; undefined where there is none (macOS, a locked-down /proc). */
export function bootId(): string | undefined {
  if (cachedBoot === undefined) {
    try {
      cachedBoot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || null;
    } catch {
      cachedBoot = null;
    }
  }
  return cachedBoot ?? undefined;
}

/** The current holder, or undefined when unlocked (or the file is unreadable). */
export async function readLock(stateDir: string, environment: string): Promise<LockInfo | undefined> {
  await assertStateDirTrusted(stateDir);
  const text = await fs.readFile(lockFile(stateDir, environment), 'utf8').catch(() => undefined);
  return text === undefined ? undefined : parseLock(text);
}

/** Throws when the holder is alive (or on another host, where we cannot tell); else describes it. */
function judge(environment: string, file: string, text: string): StaleLock {
  const holder = parseLock(text);
  if (!holder) return { reason: 'unreadable' };
  const state = holderState(holder);
  if (state === 'alive' || state === 'elsewhere') throw new LockHeldError(environment, file, holder);
  const { token: _token, boot: _boot, ...shown } = holder;
  return { ...shown, reason: state };
}

/**
 * Whether a lock's holder still runs: known on this host only (`elsewhere` otherwise). A pid
 * alone cannot tell after a reboot (pids are reused), so a lock from another boot is `rebooted`.
 */
export function holderState(holder: LockInfo): 'alive' | 'dead' | 'rebooted' | 'elsewhere' {
  if (holder.host !== currentHost()) return 'elsewhere';
  const now = bootId();
  if (holder.boot && now && holder.boot !== now) return 'rebooted';
  return isAlive(holder.pid) ? 'alive' : 'dead';
}

function parseLock(text: string): LockInfo | undefined {
  try {
    const parsed = lockInfoSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function lockText(info: LockInfo): string {
  return `${JSON.stringify(info)}\n`;
}

/**
 * Create `file` only if it is absent: write a private temp file, then link() it into place.
 * link fails with EEXIST like O_EXCL, and the file is never visible half-written (a reader
 * could take an empty lock for garbage and take it over).
 */
async function createExclusive(file: string, content: string): Promise<boolean> {
  const tmp = await writeTemp(file, content);
  try {
    await fs.link(tmp, file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    await fs.rm(tmp, { force: true });
  }
}

/** `content` in a private temp file beside `file`, fsynced, ready to link or rename. */
async function writeTemp(file: string, content: string): Promise<string> {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeNewPrivateFile(tmp, content);
  return tmp;
}

/**
 * Replace a stale lock whose text we judged. Racing takers of the same stale lock are
 * serialised by a marker file named after that text (created exclusively): only the marker's
 * owner may replace it, and only after re-reading that the lock still holds the judged text.
 * Nobody else can change it meanwhile (its holder is dead, creators need it absent), so the
 * rename over it is safe, and the lock file never disappears for a racer to grab.
 */
async function takeOver(file: string, judged: string, info: LockInfo): Promise<boolean> {
  const marker = await claimMarker(`${file}.takeover-${sha256(judged).slice(0, 16)}`);
  if (!marker) return false;
  try {
    if ((await fs.readFile(file, 'utf8').catch(() => undefined)) !== judged) return false;
    const tmp = await writeTemp(file, lockText(info));
    await fs.rename(tmp, file).catch(async (err: unknown) => {
      await fs.rm(tmp, { force: true });
      throw err;
    });
    await removeMarkers(file); // all of them now name a text the lock no longer holds
    return true;
  } finally {
    await fs.rm(marker, { force: true });
  }
}

/**
 * The markers of one judged text are numbered: a taker killed inside its takeover leaves its
 * marker behind, and the next taker moves on to the next number rather than deleting it, so no
 * taker ever deletes a marker another one may still hold. An abandoned marker is one whose
 * creator is gone (this host) or that is older than any takeover takes (another host).
 * Undefined when a live taker holds one.
 */
async function claimMarker(base: string): Promise<string | undefined> {
  for (let n = 0; n < MAX_ATTEMPTS; n++) {
    const marker = `${base}.${n}`;
    if (await createExclusive(marker, `${process.pid} ${currentHost()}\n`)) return marker; // names its creator
    if (!(await abandoned(marker))) return undefined;
  }
  return undefined;
}

async function abandoned(marker: string): Promise<boolean> {
  const [text, stat] = await Promise.all([fs.readFile(marker, 'utf8').catch(() => undefined), fs.stat(marker).catch(() => undefined)]);
  if (!stat) return true; // its taker finished: the next number is free to try
  const [pid, host] = (text ?? '').trim().split(' ');
  if (host === currentHost() && Number(pid) > 0) return !isAlive(Number(pid));
  return Date.now() - stat.mtimeMs > MARKER_ABANDONED_MS;
}

/** After a takeover: the markers left by killed takers of the texts this lock held before. */
async function removeMarkers(file: string): Promise<void> {
  const prefix = `${path.basename(file)}.takeover-`;
  const names = await fs.readdir(path.dirname(file)).catch(() => [] as string[]);
  await Promise.all(names.filter((n) => n.startsWith(prefix) && !n.endsWith('.tmp')).map((n) => fs.rm(path.join(path.dirname(file), n), { force: true })));
}

async function releaseIfOurs(file: string, info: LockInfo): Promise<void> {
  const current = parseLock(await fs.readFile(file, 'utf8').catch(() => ''));
  if (current?.pid === info.pid && current.token === info.token) await fs.rm(file, { force: true });
}
