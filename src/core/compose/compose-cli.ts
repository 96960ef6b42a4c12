// The detected Compose, on its own so detect.ts and its cache (detect-cache.ts) both depend on it, not on each other.

/** Which Compose is installed: v2 is the `docker compose` plugin, v1 the Python `docker-compose`. */
export interface ComposeCli {
  /** Decided by the reported version, not the name: some systems ship v2 as `docker-compose`. */
  flavor: 'v1' | 'v2';
  /** The program and leading arguments every compose command starts with. */
  argv: string[];
  version: string;
}
