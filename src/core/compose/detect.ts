import type { ComposeConfig } from '../config/schema.js';
import type { Command, Runner } from '../exec/command.js';
import { CommandNotFoundError } from '../exec/errors.js';
import { createRunner } from '../exec/run.js';
import type { ComposeCli } from './compose-cli.js';
import { composeFingerprint, readDetected, writeDetected } from './detect-cache.js';

export type ComposeChoice = ComposeConfig['command'];

/** The program and leading arguments of each Compose, by the name compose.command gives it. */
export const COMPOSE_ARGV: Record<Exclude<ComposeChoice, 'auto'>, string[]> = {
  'docker compose': ['docker', 'compose'],
  'docker-compose': ['docker-compose'],
};

function versionCommand(argv: string[]): Command {
  return { argv: [...argv, 'version'], kind: 'read', description: 'detect Docker Compose', timeoutMs: 15_000 };
}

/** "Docker Compose version v2.27.0" (v2) or "docker-compose version 1.29.2, build unknown" (v1). */
export function parseComposeVersion(output: string): string | undefined {
  return /compose version:?\s+v?(\d+\.\d+\.\d+[^\s,]*)/i.exec(output)?.[1];
}

export interface DetectOptions {
  command?: ComposeChoice;
  run?: Runner;
  /** The environment the probes inherit (the Context's processEnv): its PATH finds the programs. */
  processEnv: NodeJS.ProcessEnv;
  /** Added to the probes' environment (PATH, DOCKER_HOST). */
  env?: Record<string, string>;
  /** Remember the answer here, keyed by the compose programs' paths and mtimes (see detect-cache.ts). */
  cacheFile?: string;
}

// Every command in a run needs the same answer and v1 takes ~0.5 s to start: ask once per PATH.
const detected = new Map<string, Promise<ComposeCli>>();

/** Finds the Compose to use: the configured one, or in `auto` mode v2 first, then v1. */
export function detectCompose(opts: DetectOptions): Promise<ComposeCli> {
  const key = `${opts.command ?? 'auto'}\0${opts.env?.PATH ?? opts.processEnv.PATH}\0${opts.cacheFile ?? ''}`;
  let found = detected.get(key);
  if (!found) {
    found = probeAll(opts);
    detected.set(key, found);
    found.catch(() => detected.delete(key)); // a failed detection is retried (the user may install it)
  }
  return found;
}

async function probeAll(opts: DetectOptions): Promise<ComposeCli> {
  if (!opts.cacheFile) return probeCandidates(opts);
  const env = { ...opts.processEnv, ...opts.env };
  const fingerprint = await composeFingerprint(opts.command ?? 'auto', env);
  const known = await readDetected(opts.cacheFile, fingerprint);
  if (known) return known;
  const cli = await probeCandidates(opts);
  await writeDetected(opts.cacheFile, fingerprint, cli);
  return cli;
}

async function probeCandidates(opts: DetectOptions): Promise<ComposeCli> {
  const run = opts.run ?? createRunner({ processEnv: opts.processEnv });
  const choice = opts.command ?? 'auto';
  const candidates = choice === 'auto' ? [COMPOSE_ARGV['docker compose'], COMPOSE_ARGV['docker-compose']] : [COMPOSE_ARGV[choice]];
  for (const argv of candidates) {
    const cli = await probe(argv, run, opts.env);
    if (cli) return cli;
  }
  if (choice === 'docker compose') {
    throw new CommandNotFoundError('docker', {
      message: 'docker compose (Compose v2) not found: install the Docker Compose plugin, or set compose.command: docker-compose in migrate.yaml',
    });
  }
  throw new CommandNotFoundError('docker-compose');
}

async function probe(argv: string[], run: Runner, env?: Record<string, string>): Promise<ComposeCli | undefined> {
  try {
    const result = await run({ ...versionCommand(argv), env });
    const version = result.exitCode === 0 ? parseComposeVersion(result.stdout) : undefined;
    if (!version) return undefined;
    return { flavor: Number(version.split('.')[0]) >= 2 ? 'v2' : 'v1', argv, version };
  } catch (err) {
    if (err instanceof CommandNotFoundError) return undefined;
    throw err;
  }
}
