/**
 * Milliseconds since the process started, on a monotonic clock: what `performance.now()` reads,
 * without its first use loading perf_hooks (8 modules, about 0.7 ms of a rollback's start-up).
 * One clock for all of a rollback's timings, which subtract each other's readings.
 */
export function sinceStart(): number {
  return process.uptime() * 1000;
}
