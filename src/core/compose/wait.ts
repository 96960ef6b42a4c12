import { setTimeout as sleep } from 'node:timers/promises';
import { InterruptedError } from '../../errors.js';
import type { Runner } from '../exec/command.js';
import { createRunner } from '../exec/run.js';
import { projectContainersInside } from './containers.js';
import type { ContainerInside } from './docker.js';
import type { ComposeProject } from './project.js';
import { serviceState, type ServiceState } from './readiness.js';

export interface WaitOptions {
  timeoutMs: number;
  intervalMs?: number;
  signal?: AbortSignal;
  run?: Runner;
  /**
   * Told each poll's listing of the project's containers (environment and mounts included: holds
   * secrets, never print it), so a caller reading them next need not list them again.
   */
  onListed?: (containers: ContainerInside[]) => void;
}

export interface WaitResult {
  ready: boolean;
  /** The deadline passed before every service was ready. */
  timedOut: boolean;
  elapsedMs: number;
  services: ServiceState[];
}

/**
 * Polls until every named service is ready (see serviceState) or the deadline passes. Returns
 * early, not ready, as soon as a service has failed for good, so an operator learns "exited with
 * code 1" in seconds rather than after the whole health timeout.
 */
export async function waitForServices(project: ComposeProject, services: string[], opts: WaitOptions): Promise<WaitResult> {
  const run = opts.run ?? createRunner({ processEnv: project.processEnv, signal: opts.signal });
  const interval = opts.intervalMs ?? 500;
  const started = Date.now();
  const poll = poller(project, services, run, opts.onListed);
  for (;;) {
    const states = await poll();
    const elapsedMs = Date.now() - started;
    if (states.every((s) => s.ready)) return { ready: true, timedOut: false, elapsedMs, services: states };
    if (states.some((s) => s.failed)) return { ready: false, timedOut: false, elapsedMs, services: states };
    if (elapsedMs >= opts.timeoutMs) return { ready: false, timedOut: true, elapsedMs, services: states };
    await pause(Math.min(interval, opts.timeoutMs - elapsedMs), opts.signal);
  }
}

/**
 * Lists the services' containers afresh on every poll: a recreate in flight replaces them, and
 * a listing through the Engine API costs a few ms (see containers.ts).
 */
function poller(project: ComposeProject, services: string[], run: Runner, onListed?: WaitOptions['onListed']): () => Promise<ServiceState[]> {
  return async () => {
    const listed = await projectContainersInside(project, run);
    onListed?.(listed);
    // `compose run` one-offs are not the service's containers.
    const containers = listed.filter((c) => !c.oneOff).map((c) => c.state);
    return services.map((service) =>
      serviceState(
        service,
        containers.filter((c) => c.service === service),
      ),
    );
  };
}

async function pause(ms: number, signal?: AbortSignal): Promise<void> {
  try {
    await sleep(ms, undefined, { signal });
  } catch (err) {
    if (signal?.aborted) throw new InterruptedError('interrupted while waiting for services');
    throw err;
  }
}

/** One line per service that is not ready, for error messages and the "what to run next" hint. */
export function describeNotReady(result: WaitResult): string[] {
  return result.services.filter((s) => !s.ready).map((s) => `${s.service}: ${s.reason ?? 'not ready'}`);
}
