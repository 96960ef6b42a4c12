import { createServer, type Server } from 'node:http';
import { UsageError } from '../../errors.js';

export interface MetricsServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Serve `render()` on 127.0.0.1:port/metrics with node:http: one read-only page needs no
 * framework. Bound on loopback only (a scraper on the host, or a sidecar with host networking).
 * A port that cannot be bound is a usage error, raised before the ramp changes anything.
 */
export async function serveMetrics(port: number, render: () => string): Promise<MetricsServer> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('see /metrics\n');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(req.method === 'HEAD' ? undefined : render());
  });
  await listen(server, port);
  return {
    url: `http://127.0.0.1:${port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // a scraper's keep-alive connection must not hold the ramp open
      }),
  };
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      const why = err.code === 'EADDRINUSE' ? 'is in use' : err.code === 'EACCES' ? 'needs privileges' : `cannot be bound (${err.code ?? err.message})`;
      reject(new UsageError(`--metrics-port ${port}: 127.0.0.1:${port} ${why}; nothing was changed`, { hint: 'pick a free port, or drop --metrics-port (ramp.metricsPort)' }));
    });
    server.listen(port, '127.0.0.1', () => resolve());
  });
}
