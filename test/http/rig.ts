// Per-test ProbeClients and loopback servers for the client tests, closed after each test (clients
// first). Importing this module registers the hook in the importing test file.
import { afterEach } from 'vitest';
import { ProbeClient } from '../../src/core/http/client.js';
import { startServer, type Handler, type TestServer } from './server.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

export function onCleanup(fn: () => unknown): void {
  cleanups.push(fn);
}

/** A server closed after the test. */
export async function serve(handler: Handler): Promise<TestServer> {
  const server = await startServer(handler);
  onCleanup(() => server.close());
  return server;
}

/** No proxy from the environment, no jitter: retries happen at once unless the server asks for a delay. */
export function newClient(opts: Partial<ConstructorParameters<typeof ProbeClient>[0]> = {}): ProbeClient {
  const client = new ProbeClient({ processEnv: {}, random: () => 0, ...opts });
  onCleanup(() => client.close());
  return client;
}
