// Loopback ports borrowed from the OS: bound on 127.0.0.1:0, noted, released.
import net from 'node:net';

/** A port nothing listens on right now: for servers that cannot listen on port 0 (nginx, Prometheus). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A port nothing listens on, for a client to find refused. */
export const closedPort = freePort;
