// The written compose override run by real docker + compose: mtail and blackbox_exporter (the
// host's Debian binaries mounted into migrate-nginx:latest, an image with glibc; no registry
// here) beside the app's services, reading the host's access log and key files at their paths.
import { appendFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeProject } from '../../src/core/compose/project.js';
import { runCommand } from '../helpers/run.js';
import { NGINX_IMAGE, composeFixture, dockerStatus, nginxImageAvailable, type ComposeFixture } from '../helpers/docker.js';
import { startFakeProvider, type FakeProvider } from '../helpers/fake-provider.js';
import { freePort } from '../helpers/ports.js';
import { waitUntil } from '../helpers/wait.js';
import { KEYS, monitoringConfig, runMigrate } from './helpers.js';

const SERVICES = ['llm-gateway-mtail', 'llm-gateway-blackbox'];

describe.skipIf(!(await nginxImageAvailable()))('compose.monitoring.yaml (real docker-compose)', () => {
  let target: FakeProvider;
  let fx: ComposeFixture;
  let ports: { mtail: number; blackbox: number };
  let argv: string[];

  beforeAll(async () => {
    target = await startFakeProvider({ name: 'target', apiKey: KEYS.target });
    fx = await composeFixture({ OPENAI_BASE_URL: target.url });
    const config = monitoringConfig({ legacy: target.url, target: target.url }).replace(
      '    envFiles: [.env]\n',
      `    envFiles: [.env.canary]\n    compose: { files: [docker-compose.yml], services: [app], projectName: ${fx.projectName} }\n`,
    );
    writeFileSync(path.join(fx.dir, 'migrate.yaml'), config);
    ports = { mtail: await freePort(), blackbox: await freePort() };
    const res = await runMigrate(fx.dir, ['monitoring', '--env', 'canary', '--image', NGINX_IMAGE, '--mtail-port', String(ports.mtail), '--blackbox-port', String(ports.blackbox)]);
    if (res.exitCode !== 0) throw new Error(res.stderr);
    const { compose } = await dockerStatus();
    const project = composeProject(compose!, { files: ['docker-compose.yml', 'monitoring/canary/compose.monitoring.yaml'], projectName: fx.projectName }, fx.dir, process.env);
    argv = [...compose!.argv, '-p', fx.projectName, ...project.files.flatMap((f) => ['-f', f])];
    await fx.mustRun({ argv: [...argv, 'up', '-d', ...SERVICES], kind: 'write', cwd: fx.dir, timeoutMs: 120_000 });
  }, 180_000);

  afterAll(async () => {
    if (argv) await runCommand({ argv: [...argv, 'down', '-v', '-t', '1'], kind: 'write', cwd: fx.dir, timeoutMs: 60_000 }).catch(() => undefined);
    await fx?.down();
    await target?.close();
  }, 90_000);

  it('mtail in its container counts lines appended to the host log; blackbox_exporter probes with the key file', async () => {
    // The log is where migrate.yaml's accessLog says (logs/access.json), mounted at its host path;
    // like the gateway would, it is created after mtail started.
    const log = path.join(fx.dir, 'logs/access.json');
    const line = (status: string) =>
      `${JSON.stringify({ time: new Date().toISOString(), request_id: 'r', environment: 'canary', provider: 'target', upstream: '127.0.0.1:1', status, upstream_status: status, request_time: '0.010', upstream_header_time: '-', upstream_connect_time: '-', mirror: '0' })}\n`;
    const metrics = `http://127.0.0.1:${ports.mtail}/metrics`;
    const scrape = async () => (await fetch(metrics)).text();
    await waitUntil('mtail in its container to serve /metrics', async () => (await fetch(metrics)).ok, { timeoutMs: 30_000 });
    writeFileSync(log, '');
    // 499 lines until mtail has found the log and counts them; then three 502s, counted exactly.
    await waitUntil(
      'mtail to tail the new log',
      async () => {
        appendFileSync(log, line('499'));
        return /code="499"/.test(await scrape());
      },
      { timeoutMs: 20_000, everyMs: 250 },
    );
    appendFileSync(log, line('502') + line('502') + line('502'));
    await waitUntil('mtail to count 3 lines', async () => /migrate_gateway_requests_total\{[^}]*code="502"[^}]*\} 3\b/.test(await scrape()), { timeoutMs: 20_000 });

    const probeUrl = `http://127.0.0.1:${ports.blackbox}/probe?target=${encodeURIComponent(`${target.url}/models`)}&module=migrate_target_models`;
    let body = '';
    await waitUntil('blackbox_exporter in its container to probe', async () => /^probe_success 1$/m.test((body = await (await fetch(probeUrl)).text())), { timeoutMs: 30_000 });
    expect(body).toMatch(/^probe_http_status_code 200$/m);
    expect(target.requests.filter((r) => r.path === '/v1/models').at(-1)).toMatchObject({ method: 'GET', authorized: true });
  }, 90_000);
});
