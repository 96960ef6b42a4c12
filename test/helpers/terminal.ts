import { spawn } from 'node:child_process';

export interface TerminalRun {
  code: number | null;
  /** Everything the terminal showed (stdout and stderr share it), ANSI codes removed. */
  screen: string;
}

/** One scripted keystroke: once the screen shows `when`, type `keys` (e.g. "y\r"). */
export interface Answer {
  when: string;
  keys: string;
}

const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

/**
 * Runs argv under a real pseudo-terminal (util-linux `script`), as a person at a terminal would,
 * typing each answer when its prompt appears. CI is unset so the CLI may ask.
 */
export function runAtTerminal(argv: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv; extendEnv?: boolean; answers?: Answer[]; timeoutMs?: number }): Promise<TerminalRun> {
  // `script` runs the command through $SHELL (dash when SHELL is unset, as in CI), and dash does not
  // exec it: Ctrl-C at the terminal would kill the shell and `script` would report 130. `exec` makes
  // the command itself the terminal's process, so its own exit code is what we see.
  const command = `exec ${argv.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ')}`;
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    cwd: opts.cwd,
    env: { ...(opts.extendEnv === false ? {} : process.env), ...opts.env, CI: '', TERM: 'xterm', NO_COLOR: '1' },
  });
  const pending = [...(opts.answers ?? [])];
  let raw = '';
  child.stdout.on('data', (chunk: Buffer) => {
    raw += chunk.toString();
    const next = pending[0];
    if (next && raw.replace(ANSI, '').includes(next.when)) {
      pending.shift();
      setTimeout(() => child.stdin.write(next.keys), 50);
    }
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 20_000);
  return new Promise((resolve) => {
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, screen: raw.replace(ANSI, '') });
    });
  });
}
