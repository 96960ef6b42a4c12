// The nginx driver with nginx in a container (image migrate-nginx from .ci/docker.sh) that
// mounts the include as a single file, read-only, as a gateway service does:
//   ./llm-split.conf:/etc/nginx/conf.d/llm-split.conf:ro
// A bind mount of one file pins its inode: a file replaced by rename on the host is never seen
// by the container. The driver writes the include in place and asks nginx (`nginx -T` inside the
// container) what it sees; the proof is the provider header on real requests through the gateway.
import { promises as fs } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { composeDown, composeUp } from '../../src/core/compose/commands.js';
import { composeProject } from '../../src/core/compose/project.js';
import { runCommand } from '../helpers/run.js';
import { renderLocation, renderNginxInclude } from '../../src/core/traffic/nginx-render.js';
import { nginxMainConfig } from '../../src/testing/nginx-conf.js';
import { dockerStatus, NGINX_IMAGE, nginxImageAvailable, TEST_IMAGE } from '../helpers/docker.js';
import { freePort } from '../helpers/ports.js';
import { waitUntil } from '../helpers/wait.js';
import { LEGACY_KEY, migrate, onCleanup, probeRamp, project, providers, TARGET_KEY } from '../ramp/helpers.js';

const INCLUDE_IN_CONTAINER = '/etc/nginx/conf.d/llm-split.conf';

function composeYaml(): string {
  return [
    'version: "2.4"',
    'services:',
    '  gateway:',
    `    image: ${NGINX_IMAGE}`,
    '    network_mode: host',
    '    command: ["nginx", "-g", "daemon off;"]',
    '    volumes:',
    '      - ./nginx.conf:/etc/nginx/nginx.conf:ro',
    `      - ./llm-split.conf:${INCLUDE_IN_CONTAINER}:ro`,
    '  app:',
    `    image: ${TEST_IMAGE}`,
    '    network_mode: host',
    '    env_file: .env.canary',
    '    command: ["sh", "-c", "trap \'exit 0\' TERM INT; while true; do sleep 1; done"]',
    '    stop_grace_period: 2s',
    '',
  ].join('\n');
}

/** A project whose canary environment routes through the gateway container (no cut-over keys). */
async function gatewayProject() {
  const { legacy, target } = await providers();
  const port = await freePort();
  const projectName = `migrate-gw-${process.pid}-${port}`;
  const keys = { legacy: { baseUrl: legacy.url, apiKey: LEGACY_KEY }, target: { baseUrl: target.url, apiKey: TARGET_KEY } };
  const dir = project({
    'migrate.yaml': [
      'version: 1',
      'providers:',
      `  legacy: { baseUrl: "${legacy.url}", apiKey: "\${LEGACY_KEY}" }`,
      `  target: { baseUrl: "${target.url}", apiKey: "\${TARGET_KEY}" }`,
      'models: [gpt-4.1]',
      'environments:',
      '  canary:',
      '    envFiles: [.env.canary]',
      `    compose: { files: [docker-compose.yml], services: [app], projectName: ${projectName} }`,
      '    traffic: { driver: nginx, file: llm-split.conf, service: gateway }',
      'ramp:',
      ...probeRamp('50, 100', '800ms', '400ms'),
      '',
    ].join('\n'),
    '.env.canary': `OPENAI_BASE_URL=http://127.0.0.1:${port}/v1\nOPENAI_API_KEY=app-key\n`,
    'docker-compose.yml': composeYaml(),
    'nginx.conf': nginxMainConfig('/var/lib/nginx', port, INCLUDE_IN_CONTAINER, renderLocation('canary')),
    'llm-split.conf': renderNginxInclude({ environment: 'canary', weight: 0, splitKey: '$request_id', providers: keys }),
  });
  const include = path.join(dir, 'llm-split.conf');
  await fs.chmod(include, 0o600);
  const { compose } = await dockerStatus();
  const stack = composeProject(compose!, { files: ['docker-compose.yml'], projectName }, dir, process.env);
  onCleanup(() => runCommand({ ...composeDown(stack, { volumes: true }), timeoutMs: 60_000 }).catch(() => undefined));
  const up = await runCommand({ ...composeUp(stack, ['gateway', 'app']), timeoutMs: 120_000 });
  expect(up.exitCode, up.stderr).toBe(0);
  await waitUntil(`the gateway on port ${port}`, async () => (await providerOf(port).catch(() => '')) !== '', { timeoutMs: 30_000, everyMs: 200 });
  return { dir, port, include, legacy, target };
}

/** The provider the gateway sent one app request to (its X-Migrate-Provider header). */
function providerOf(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const body = '{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}';
    const req = http.request(
      { host: '127.0.0.1', port, path: '/v1/chat/completions', method: 'POST', agent: false, headers: { authorization: 'Bearer app-key', 'content-type': 'application/json' } },
      (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve(String(res.headers['x-migrate-provider'] ?? '')) : reject(new Error(`status ${res.statusCode}`))));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function fourRequests(port: number): Promise<string[]> {
  const seen: string[] = [];
  for (let i = 0; i < 4; i++) seen.push(await providerOf(port));
  return seen;
}

describe.skipIf(!(await nginxImageAvailable()))('nginx driver with a gateway container and a single-file bind mount', () => {
  it('a ramp to 100 % sends every request to target, the rollback every request to legacy; the include keeps its inode and 0600', async () => {
    const { dir, port, include, target } = await gatewayProject();
    const inode = (await fs.stat(include)).ino;
    expect(await fourRequests(port)).toEqual(['legacy', 'legacy', 'legacy', 'legacy']);

    const ramp = await migrate(dir, ['ramp', '--env', 'canary', '--yes'], { targetUrl: target.url });
    expect(ramp.code, ramp.stderr).toBe(0);
    expect(await fourRequests(port)).toEqual(['target', 'target', 'target', 'target']);
    expect([(await fs.stat(include)).ino, (await fs.stat(include)).mode & 0o777]).toEqual([inode, 0o600]);

    const rollback = await migrate(dir, ['rollback', '--env', 'canary', '--yes'], { targetUrl: target.url });
    expect(rollback.code, rollback.stderr).toBe(0);
    expect(await fourRequests(port)).toEqual(['legacy', 'legacy', 'legacy', 'legacy']);
    expect([(await fs.stat(include)).ino, (await fs.stat(include)).mode & 0o777]).toEqual([inode, 0o600]);
    for (const text of [ramp.stdout, ramp.stderr, rollback.stdout, rollback.stderr]) {
      expect(text).not.toContain(LEGACY_KEY);
      expect(text).not.toContain(TARGET_KEY);
    }
  }, 180_000);

  it('when the container no longer sees the file (replaced by rename), rollback exits 3 naming the file and what nginx holds', async () => {
    const { dir, port, include, target } = await gatewayProject();
    const ramp = await migrate(dir, ['ramp', '--env', 'canary', '--yes'], { targetUrl: target.url });
    expect(ramp.code, ramp.stderr).toBe(0);
    // Another tool (an editor, `sed -i`, a config manager) replaces the file by rename: the
    // container keeps the inode it mounted, which says 100 %.
    const copy = `${include}.new`;
    await fs.writeFile(copy, await fs.readFile(include), { mode: 0o600 });
    await fs.rename(copy, include);

    const rollback = await migrate(dir, ['rollback', '--env', 'canary', '--yes'], { targetUrl: target.url });

    expect(rollback.code, rollback.stderr).toBe(3);
    expect(rollback.stderr).toContain(`nginx does not see the split migrate wrote: ${include} says 0% to target, but \`nginx -T\` shows 100% to target`);
    expect(rollback.stderr).toMatch(/--force-recreate gateway/);
    expect(await fourRequests(port)).toEqual(['target', 'target', 'target', 'target']);
    expect(rollback.stderr).not.toContain(TARGET_KEY);
  }, 180_000);
});
