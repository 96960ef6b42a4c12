// Server processes the test rigs spawn (nginx, Prometheus): what they said, and stopping them.
import type { ChildProcess } from 'node:child_process';

/** The last few KB the child wrote to stderr, for the error when it dies. */
export function stderrTail(child: ChildProcess, keep = 4000): () => string {
  let text = '';
  child.stderr?.on('data', (d: Buffer) => {
    text = (text + d.toString()).slice(-keep);
  });
  return () => text;
}

/** Sends `signal`, then SIGKILL if the child is still running after 5 s. */
export async function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}
