// CPU time (user + system) of a child process, which the machine's load inflates far less than
// wall time: on the shared 2-core machine a bare `node -e 0` takes 50 ms of wall when idle and
// 400 ms under load, but about 50 ms of CPU either way. Linux only (bash's `times`, /proc).
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

// bash runs the command, then `times` prints its children's user and system time (getrusage, µs).
const WRAPPER = '"$@" >/dev/null; rc=$?; times; exit $rc';

/**
 * Runs `command args` to its exit; resolves with its wall time (including bash's exec, a few ms,
 * the same for every command) and its CPU time in ms. Rejects when it exits non-zero.
 */
export function timeWhole(command, args, opts = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn('bash', ['-c', WRAPPER, 'bench', command, ...args], { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const wall = performance.now() - started;
      if (code !== 0) return reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${stderr}`));
      // The last line: children's user and system time, as `0m0.123s 0m0.045s`.
      const times = stdout.trim().split('\n').pop().split(/\s+/).map(seconds);
      resolve({ wall, cpu: times[0] + times[1] });
    });
  });
}

function seconds(text) {
  const m = /^(\d+)m([\d.]+)s$/.exec(text);
  if (!m) throw new Error(`bench/cpu.js: unexpected \`times\` output: ${text}`);
  return (Number(m[1]) * 60 + Number(m[2])) * 1000;
}

/** CPU time so far (ms) of a running process, all its threads (Node compiles and collects garbage off the main thread). */
export function cpuSoFar(pid) {
  let ns = 0;
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // The thread ended between the listing and the read: its time is lost (a few µs).
    }
  }
  return ns / 1e6;
}
