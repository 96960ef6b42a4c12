// The one way tests run the built CLI, as a user or a CI job would: `node bin/migrate.js` in a
// child process with an environment the test controls. Nothing leaks in from the shell running
// vitest (no MIGRATE_*, no provider keys, no CI unless passed), and each call gets its own HOME
// outside the project, so what the CLI writes under ~ (Node's compile cache) is never mistaken for
// a project file. Importing this module registers the build check in the importing test file.
import { chownSync, chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa, type ResultPromise } from 'execa';
import { beforeAll } from 'vitest';
import { onCleanup } from './project.js';
import { runAtTerminal, type Answer, type TerminalRun } from './terminal.js';

export { onCleanup, tempProject, writeFiles, type ProjectFile } from './project.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The launcher itself, for the one caller that must name it as a program (bash completion's COMP_WORDS[0]). */
export const BIN = path.join(ROOT, 'bin/migrate.js');

// `npm test` builds dist first; a lone `vitest run test/<dir>` builds it here.
beforeAll(async () => {
  if (!existsSync(path.join(ROOT, 'dist/cli.js'))) await execa('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: ROOT });
});

export interface CliOptions {
  /** Working directory; default: an empty temp directory. */
  cwd?: string;
  /** Variables on top of PATH, HOME and NO_COLOR=1; `undefined` removes one. */
  env?: Record<string, string | undefined>;
  /** HOME; default: a fresh temp directory per call, removed after the test. */
  home?: string;
  /** Run as this uid (gid the same unless given) through util-linux `setpriv`, in `groups` only (default none). */
  user?: number | User;
  /** Arguments for node itself, before the script (e.g. --require a preload). */
  nodeArgs?: string[];
  /** Text on stdin; default: stdin is closed, as in CI. */
  input?: string;
  /** Keep stdout's and stderr's final newline (default: strip it, as execa does), for tests that pin exact bytes. */
  keepFinalNewline?: boolean;
  /** Kill after this long and fail the test; default 30 s. */
  timeoutMs?: number;
}

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

// Passed through when set: where temp files go and which docker daemon to use are the machine's.
const PASSED = ['PATH', 'TMPDIR', 'DOCKER_HOST', 'LANG'];

export interface User {
  uid: number;
  gid: number;
  groups?: number[];
}

function userOf(user: CliOptions['user']): User | undefined {
  return typeof user === 'number' ? { uid: user, gid: user } : user;
}

/** A fresh HOME (and a default cwd) that the user the CLI runs as may write. */
function scratch(user?: User): { home: string; cwd: string } {
  const root = mkdtempSync(path.join(tmpdir(), 'migrate-cli-'));
  onCleanup(() => rmSync(root, { recursive: true, force: true }));
  const home = path.join(root, 'home');
  const cwd = path.join(root, 'cwd');
  for (const dir of [home, cwd]) {
    mkdirSync(dir);
    if (user) chownSync(dir, user.uid, user.gid);
  }
  if (user) chmodSync(root, 0o755);
  return { home, cwd };
}

/** The environment the CLI gets: the machine's PATH, its own HOME, no colour, then `env`. */
export function cliEnv(home: string, env: CliOptions['env'] = {}): Record<string, string> {
  const base: Record<string, string | undefined> = Object.fromEntries(PASSED.map((k) => [k, process.env[k]]));
  const all: Record<string, string | undefined> = { ...base, HOME: home, NO_COLOR: '1', ...env };
  return Object.fromEntries(Object.entries(all).filter((e): e is [string, string] => e[1] !== undefined));
}

/**
 * The argv, cwd and environment of `migrate <args>`, for the rare test that must own the child
 * itself (a stdout closed before it starts); everything else calls runCli or startCli.
 */
export function cliCommand(args: string[], opts: CliOptions = {}): { argv: string[]; cwd: string; env: Record<string, string> } {
  const user = userOf(opts.user);
  const made = opts.home === undefined || opts.cwd === undefined ? scratch(user) : undefined;
  const node = [process.execPath, ...(opts.nodeArgs ?? []), BIN, ...args];
  const groups = user?.groups?.length ? [`--groups=${user.groups.join(',')}`] : ['--clear-groups'];
  const argv = user ? ['setpriv', `--reuid=${user.uid}`, `--regid=${user.gid}`, ...groups, ...node] : node;
  return { argv, cwd: opts.cwd ?? made!.cwd, env: cliEnv(opts.home ?? made!.home, opts.env) };
}

/** Starts the CLI and hands back the child, for tests that signal it or read it while it runs. */
export function startCli(args: string[], opts: CliOptions = {}): ResultPromise<{ reject: false }> {
  const { argv, cwd, env } = cliCommand(args, opts);
  return execa(argv[0]!, argv.slice(1), {
    cwd,
    env,
    extendEnv: false,
    reject: false,
    stripFinalNewline: opts.keepFinalNewline !== true,
    ...(opts.input === undefined ? { stdin: 'ignore' as const } : { input: opts.input }),
    timeout: opts.timeoutMs ?? 30_000,
  });
}

/** Runs `migrate <args>` to the end; stdout and stderr lose their final newline unless `keepFinalNewline`. */
export async function runCli(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  const r = await startCli(args, opts);
  if (r.timedOut) throw new Error(`migrate ${args.join(' ')} did not finish in ${opts.timeoutMs ?? 30_000} ms; stderr: ${String(r.stderr).slice(-2000)}`);
  // A signal's death reads as the shell shows it: 128 + the signal's number.
  const exitCode = r.exitCode ?? 128 + (r.signal ? constants.signals[r.signal] : 0);
  return { exitCode, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/** Runs `migrate <args>` under a pseudo-terminal (a person at a keyboard), with the same environment rules. */
export function runCliAtTerminal(args: string[], opts: Pick<CliOptions, 'cwd' | 'env' | 'home' | 'timeoutMs'> & { answers?: Answer[] } = {}): Promise<TerminalRun> {
  const { argv, cwd, env } = cliCommand(args, opts);
  return runAtTerminal(argv, { cwd, env, extendEnv: false, answers: opts.answers, timeoutMs: opts.timeoutMs });
}
