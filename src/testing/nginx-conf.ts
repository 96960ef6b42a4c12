// A private nginx (own prefix, pid, temp dirs, one server on loopback) that includes the nginx
// driver's file: the tests' real nginx and bench/fault-to-safety.js start it from this config.
import path from 'node:path';

/** `http`: extra http {} directives, e.g. a log_format the server's access_log uses. `main`: top-level ones (load_module). */
export function nginxMainConfig(prefix: string, port: number, includeFile: string, server: string, http = '', main = ''): string {
  const temp = (name: string) => `    ${name}_temp_path ${path.join(prefix, `${name}_temp`)};`;
  return [
    ...(main ? main.split('\n') : []),
    // Workers as root (we are root in CI) so they can use the private temp dirs.
    ...(process.getuid?.() === 0 ? ['user root root;'] : []),
    'worker_processes 1;',
    `pid ${path.join(prefix, 'nginx.pid')};`,
    'events { worker_connections 1024; }',
    'http {',
    '    access_log off;',
    temp('client_body'),
    temp('proxy'),
    temp('fastcgi'),
    temp('uwsgi'),
    temp('scgi'),
    ...(http ? http.split('\n').map((line) => `    ${line}`) : []),
    `    include ${includeFile};`,
    '    server {',
    `        listen 127.0.0.1:${port};`,
    ...server.split('\n').map((line) => `        ${line}`),
    '    }',
    '}',
    '',
  ].join('\n');
}
