// A compose app that behaves like one: a busybox container that sends chat requests in a loop
// to its base URL with its own key (wget, as an SDK would) and appends "ok" or "fail" for each
// to out/results, so a test counts what the app saw. Two fake providers on loopback.
import { existsSync, promises as fs } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { expect } from 'vitest';
import { baseArgv, composeProject } from '../../src/core/compose/project.js';
import { composeUp } from '../../src/core/compose/commands.js';
import { runCommand } from '../helpers/run.js';
import { dockerStatus, NGINX_IMAGE, TEST_IMAGE } from '../helpers/docker.js';
import { freePort } from '../helpers/ports.js';
import { waitUntil } from '../helpers/wait.js';
import { startFakeProvider } from '../helpers/fake-provider.js';
import { LEGACY_KEY, onCleanup, probeRamp, project, providers, TARGET_KEY } from '../ramp/helpers.js';

/** What the app puts in each request, so its requests are told apart from migrate's probes. */
export const APP_MARK = 'from-the-app';

/** `loops` copies of the request loop run side by side, each pausing `pause` seconds between requests. */
function loopScript(loops: number, pause: number): string {
  const request = `if timeout 10 wget -q -O /dev/null --header "Authorization: Bearer $OPENAI_API_KEY" --header "Content-Type: application/json" --post-data '{"model":"gpt-4.1","messages":[{"role":"user","content":"${APP_MARK}"}]}' "$OPENAI_BASE_URL/chat/completions"; then echo ok >> /out/results; else echo fail >> /out/results; fi`;
  return [
    "trap 'exit 0' TERM INT",
    // timeout(1), not wget -T: this busybox's wget crashes on -T.
    // One line per request, appended (O_APPEND, 3 bytes): the loops never tear each other's lines.
    `one() { while true; do ${request}; ${pause > 0 ? `sleep ${pause}` : ':'}; done; }`,
    `for i in $(seq ${loops}); do one & done`,
    // sh runs the trap while waiting; the loops go with the container.
    'wait',
    '',
  ].join('\n');
}

export interface AppOptions {
  /** Request loops side by side (1), and the pause after each request in seconds (0.2). */
  loops?: number;
  pause?: number;
  /** Target gets a second node on its own host (another port, same key): the gateway fails over to it. */
  secondNode?: boolean;
  /** The ramp block's lines (default: probes, stages 50 and 100, a short soak). */
  ramp?: string[];
  /** Target's own names for the app's models (providers.target.models): the gateway renames them with njs. */
  targetModels?: Record<string, string>;
}

export async function gatewayApp(opts: AppOptions = {}) {
  const renamed = Object.values(opts.targetModels ?? {});
  const { legacy, target } = await providers(renamed.length ? { models: [...renamed, 'gpt-4.1'] } : {});
  const targetModels = renamed.length
    ? `, models: { ${Object.entries(opts.targetModels!)
        .map(([app, own]) => `"${app}": "${own}"`)
        .join(', ')} }`
    : '';
  const node2 = opts.secondNode ? await startFakeProvider({ name: 'target-2', apiKey: TARGET_KEY }) : undefined;
  // A test may have killed it already.
  if (node2) onCleanup(() => node2.close().catch(() => undefined));
  const nodes = node2 ? `, nodes: [{ id: node-1, baseUrl: "${target.url}" }, { id: node-2, baseUrl: "${node2.url}" }]` : '';
  const port = await freePort();
  const projectName = `migrate-gwapp-${process.pid}-${port}`;
  const dir = project({
    'migrate.yaml': [
      'version: 1',
      'providers:',
      `  legacy: { baseUrl: "${legacy.url}", apiKey: "\${LEGACY_KEY}" }`,
      `  target: { baseUrl: "${target.url}", apiKey: "\${TARGET_KEY}"${nodes}${targetModels} }`,
      'models: [gpt-4.1]',
      '# the app of this test',
      'environments:',
      '  canary:',
      '    envFiles: [.env]',
      `    compose: { files: [docker-compose.yml], projectName: ${projectName} }`,
      '    cutover:',
      `      OPENAI_BASE_URL: "${target.url}"`,
      '      OPENAI_API_KEY: ${TARGET_KEY}',
      `gateway: { image: "${NGINX_IMAGE}", port: ${port}, networkMode: host }`,
      'ramp:',
      ...(opts.ramp ?? probeRamp('50, 100', '800ms', '400ms')),
      '',
    ].join('\n'),
    '.env': `OPENAI_BASE_URL=${legacy.url}\nOPENAI_API_KEY=${LEGACY_KEY}\n`,
    'docker-compose.yml': [
      'version: "2.4"',
      'services:',
      '  app:',
      `    image: ${TEST_IMAGE}`,
      '    network_mode: host',
      '    env_file: .env',
      '    volumes: ["./app:/app:ro", "./out:/out"]',
      '    command: ["sh", "/app/loop.sh"]',
      '    stop_grace_period: 5s',
      '',
    ].join('\n'),
    'app/loop.sh': loopScript(opts.loops ?? 1, opts.pause ?? 0.2),
    'out/.keep': '',
  });
  const { compose } = await dockerStatus();
  const stack = composeProject(compose!, { files: ['docker-compose.yml'], projectName }, dir, process.env);
  onCleanup(async () => {
    // Both files while the override is there: a test that failed half-way leaves the gateway running.
    const files = existsSync(path.join(dir, 'compose.migrate.yaml')) ? { ...stack, files: [...stack.files, path.join(dir, 'compose.migrate.yaml')] } : stack;
    await runCommand({ argv: [...baseArgv(files), 'down', '-v', '--remove-orphans'], cwd: dir, kind: 'write', timeoutMs: 60_000 }).catch(() => undefined);
  });
  const up = await runCommand({ ...composeUp(stack, ['app']), timeoutMs: 120_000 });
  expect(up.exitCode, up.stderr).toBe(0);
  const at = (p: typeof legacy) => p.requests.filter((r) => JSON.stringify(r.body ?? '').includes(APP_MARK));
  const app = {
    results: async () => (await fs.readFile(path.join(dir, 'out/results'), 'utf8').catch(() => '')).split('\n').filter(Boolean),
    /** The app's requests a provider received. */
    at,
    /** The app's requests target received, on either node. */
    atTarget: () => [target, ...(node2 ? [node2] : [])].flatMap(at),
  };
  await waitUntil('the app to send requests to legacy', async () => app.at(legacy).length >= 3, { timeoutMs: 30_000, everyMs: 200 });
  return { dir, port, legacy, target, node2, app };
}

/** Waits until `n` more of the app's requests reached `provider` than it had now. */
export async function moreAppRequests(at: () => unknown[], n: number, what: string): Promise<void> {
  const start = at().length;
  await waitUntil(what, async () => at().length >= start + n, { timeoutMs: 30_000, everyMs: 200 });
}

/** The provider the gateway sent one request to (its X-Migrate-Provider header). */
export function providerOf(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path: '/v1/chat/completions', method: 'POST', agent: false, headers: { authorization: 'Bearer app-key', 'content-type': 'application/json' } },
      (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve(String(res.headers['x-migrate-provider'] ?? '')) : reject(new Error(`status ${res.statusCode}`))));
      },
    );
    req.on('error', reject);
    req.end('{"model":"gpt-4.1","messages":[{"role":"user","content":"hi"}]}');
  });
}
