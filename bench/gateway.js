#!/usr/bin/env node
// The gateway (the nginx driver's include and location, access log on, as `migrate gateway setup`
// runs it), measured on a host nginx (Debian's, NGINX_BIN): a container adds docker's network
// noise to every request and the figures are about nginx and the generated config. The docker
// gateway's own path is proven by test/gateway/real-traffic.test.ts. Three figures, one run:
//   1. added latency: p50 and p99 of the same request direct to a fake provider with a fixed
//      20 ms delay and through the gateway, interleaved (goal: ≤ 1 ms added at p50); a bare
//      nginx proxy in the same rounds says how much of it is nginx itself, not the config;
//   2. fault → legacy: a ramp at 20 % gated by real traffic alone (ramp.sources.gateway, no
//      probes); the target starts answering 503; time until the app's last failed or
//      target-served request, in gate intervals (goal: ≤ 2);
//   3. node failure: target has two nodes; one is killed while the app sends; the app's failed
//      requests (goal: 0).
// The app sends about 300 requests a second (8 loops, 20 ms pause): a hot loop of thousands a
// second makes each gate decision read and rank that many log lines, and on a loaded 2-core
// machine stretches the interval itself. BENCH_DEBUG=1 prints each fault round's timeline.
// Exits 1 on a missed goal, 2 when it cannot run. Needs `npm run build`.
import { spawn } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = path.join(ROOT, 'bin/migrate.js');
const NGINX_BIN = process.env.NGINX_BIN ?? '/usr/sbin/nginx';
const DELAY_MS = 20;
const LATENCY_ROUNDS = Number(process.env.BENCH_LATENCY_ROUNDS ?? 1000);
const INTERVAL_MS = Number(process.env.BENCH_INTERVAL_MS ?? 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const GOALS = { addedP50Ms: 1, intervals: 2, nodeFailures: 0 };
const KEYS = { legacy: 'bench-gw-legacy-key-0000000011', target: 'bench-gw-target-key-0000000022' };
const CHAT = '{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}';

if (!existsSync(path.join(ROOT, 'dist/cli.js'))) {
  console.error('bench/gateway.js: dist/ is missing; run `npm run build` first');
  process.exit(2);
}
if (!existsSync(NGINX_BIN)) {
  console.error(`bench/gateway.js: ${NGINX_BIN} not found (install nginx or set NGINX_BIN)`);
  process.exit(2);
}
const dist = (p) => import(new URL(`../dist/${p}`, import.meta.url).href);
const { startFakeProvider } = await dist('testing/fake-provider.js');
const { renderNginxInclude, renderLocation } = await dist('core/traffic/nginx-render.js');
const { nginxMainConfig } = await dist('testing/nginx-conf.js');
const { percentile } = await dist('core/stats.js');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => percentile(xs, 50);

async function until(what, check, timeoutMs = 60_000, everyMs = 10) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** nginx cannot listen on port 0: borrow a free port. */
async function freePort() {
  const server = net.createServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  await new Promise((r) => server.close(r));
  return port;
}

/** A private nginx (own prefix, loopback port) with `include` in http {} and `server` in its server {}. */
async function startNginx(prefix, include, server) {
  await fs.mkdir(path.join(prefix, 'logs'), { recursive: true });
  const port = await freePort();
  const includeFile = path.join(prefix, 'include.conf');
  await fs.writeFile(includeFile, include, { mode: 0o600 });
  await fs.writeFile(path.join(prefix, 'nginx.conf'), nginxMainConfig(prefix, port, includeFile, server(prefix)));
  const args = ['-p', prefix, '-e', path.join(prefix, 'logs/error.log'), '-c', path.join(prefix, 'nginx.conf')];
  const child = spawn(NGINX_BIN, [...args, '-g', 'daemon off;'], { stdio: 'ignore' });
  const listening = () =>
    new Promise((r) =>
      net
        .connect(port, '127.0.0.1')
        .once('connect', function () {
          this.destroy();
          r(true);
        })
        .once('error', () => r(false)),
    );
  await until('nginx to listen', listening, 10_000, 50);
  return {
    url: `http://127.0.0.1:${port}/v1`,
    includeFile,
    args,
    stop: () =>
      new Promise((r) => {
        child.once('exit', r);
        child.kill('SIGQUIT');
      }),
  };
}

/** The gateway's include and location, logging each request as the gateway does. */
async function startGateway(dir, providers, weight = 0) {
  const include = renderNginxInclude({ environment: 'canary', weight, splitKey: '$request_id', providers });
  const prefix = path.join(dir, 'gateway');
  const accessLog = path.join(prefix, 'logs/access.json');
  return { ...(await startNginx(prefix, include, () => renderLocation('canary', [], { accessLog }))), accessLog };
}

/** The least nginx can do as a proxy (keep-alive upstream, no buffering, no split, no log): what nginx itself costs. */
function startBareProxy(dir, baseUrl) {
  const u = new URL(baseUrl);
  const include = `upstream bare { server ${u.host}; keepalive 16; }\n`;
  const location = 'location /v1/ {\n    proxy_pass http://bare;\n    proxy_http_version 1.1;\n    proxy_set_header Connection "";\n    proxy_buffering off;\n}';
  return startNginx(path.join(dir, 'bare'), include, () => location);
}

/** One chat request; resolves with its status, the provider header and the time it took (ms). */
function post(url, agent, key) {
  const start = performance.now();
  return new Promise((resolve) => {
    const req = http.request(`${url}/chat/completions`, { method: 'POST', agent, headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, provider: res.headers['x-migrate-provider'], ms: performance.now() - start, at: Date.now() }));
    });
    req.on('error', () => resolve({ status: 0, ms: performance.now() - start, at: Date.now() }));
    req.end(CHAT);
  });
}

/** The app: `workers` loops through the gateway, each pausing `pauseMs` after a request (about 300/s); every answer kept. */
function appTraffic(url, workers = 8, pauseMs = 20) {
  let running = true;
  const agent = new http.Agent({ keepAlive: true, maxSockets: workers });
  const answers = [];
  const loops = Array.from({ length: workers }, async () => {
    while (running) {
      answers.push(await post(url, agent, 'the-apps-own-key'));
      await sleep(pauseMs);
    }
  });
  return { answers, stop: async () => ((running = false), await Promise.all(loops), agent.destroy(), answers) };
}

async function withDir(prefix, fn) {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
  try {
    return await fn(dir);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

async function addedLatency() {
  const provider = await startFakeProvider({ name: 'legacy', apiKey: KEYS.legacy, faults: { latency: DELAY_MS } });
  const other = await startFakeProvider({ name: 'target', apiKey: KEYS.target });
  try {
    return await withDir('bench-gw-latency-', async (dir) => {
      const providers = { legacy: { baseUrl: provider.url, apiKey: KEYS.legacy }, target: { baseUrl: other.url, apiKey: KEYS.target } };
      const gateway = await startGateway(dir, providers, 0);
      const bare = await startBareProxy(dir, provider.url);
      const urls = { direct: provider.url, gateway: gateway.url, bare: bare.url };
      const ways = Object.keys(urls);
      // Keep-alive everywhere, as an SDK holds its connections and the gateway its upstreams.
      const agents = Object.fromEntries(ways.map((way) => [way, new http.Agent({ keepAlive: true, maxSockets: 1 })]));
      const times = Object.fromEntries(ways.map((way) => [way, []]));
      try {
        for (let i = 0; i < LATENCY_ROUNDS + 20; i++) {
          // Interleaved, the order rotating: drift and warm-up hit every way alike.
          for (let k = 0; k < ways.length; k++) {
            const way = ways[(i + k) % ways.length];
            const r = await post(urls[way], agents[way], KEYS.legacy);
            if (r.status !== 200) throw new Error(`${way} request answered ${r.status}`);
            if (i >= 20) times[way].push(r.ms);
          }
        }
      } finally {
        for (const agent of Object.values(agents)) agent.destroy();
        await gateway.stop();
        await bare.stop();
      }
      const fig = (way, p) => percentile(times[way], p);
      const show = (way) => `${way} p50 ${fig(way, 50).toFixed(2)} ms p99 ${fig(way, 99).toFixed(2)} ms`;
      const added = (way, p) => fig(way, p) - fig('direct', p);
      console.log(`added latency  ${LATENCY_ROUNDS} rounds over a ${DELAY_MS} ms provider: ${ways.map(show).join('; ')}`);
      console.log(
        `               gateway adds p50 ${added('gateway', 50).toFixed(2)} ms (${(fig('gateway', 50) / fig('direct', 50)).toFixed(3)}×), p99 ${added('gateway', 99).toFixed(2)} ms (${(fig('gateway', 99) / fig('direct', 99)).toFixed(3)}×); a bare nginx proxy adds p50 ${added('bare', 50).toFixed(2)} ms, p99 ${added('bare', 99).toFixed(2)} ms — ${added('gateway', 50) <= GOALS.addedP50Ms ? 'within' : 'OVER'} the goal of ${GOALS.addedP50Ms} ms at p50`,
      );
      return added('gateway', 50) <= GOALS.addedP50Ms;
    });
  } finally {
    await provider.close();
    await other.close();
  }
}

function rampConfig(legacy, target, traffic) {
  return [
    'version: 1',
    'providers:',
    `  legacy: { baseUrl: "${legacy.url}", apiKey: "\${LEGACY_KEY}" }`,
    `  target: { baseUrl: "${target.url}", apiKey: "\${TARGET_KEY}" }`,
    'models: [gpt-4.1]',
    'environments:',
    '  canary:',
    '    envFiles: [.env.canary]',
    `    traffic: ${traffic}`,
    'ramp:',
    '  stages: [20, 100]',
    `  soak: ${INTERVAL_MS * 60}ms`,
    `  interval: ${INTERVAL_MS}ms`,
    '  gates: { minSamples: 20 }',
    '  sources: { probes: false }   # real traffic alone decides',
    '',
  ].join('\n');
}

/** One round: seconds from the fault to the app's last failed or target-served request, in intervals. */
async function faultToLegacy() {
  const legacy = await startFakeProvider({ name: 'legacy', apiKey: KEYS.legacy });
  const target = await startFakeProvider({ name: 'target', apiKey: KEYS.target });
  try {
    return await withDir('bench-gw-fault-', async (dir) => {
      const providers = { legacy: { baseUrl: legacy.url, apiKey: KEYS.legacy }, target: { baseUrl: target.url, apiKey: KEYS.target } };
      const gateway = await startGateway(dir, providers, 0);
      const app = appTraffic(gateway.url);
      try {
        const traffic = `{ driver: nginx, file: ${gateway.includeFile}, binary: ${NGINX_BIN}, args: ${JSON.stringify(gateway.args)}, accessLog: ${gateway.accessLog} }`;
        await fs.writeFile(path.join(dir, 'migrate.yaml'), rampConfig(legacy, target, traffic));
        await fs.writeFile(path.join(dir, '.env.canary'), `OPENAI_BASE_URL=${gateway.url}\n`);
        const env = { ...process.env, LEGACY_KEY: KEYS.legacy, TARGET_KEY: KEYS.target, CI: 'true', NO_COLOR: '1' };
        const ramp = spawn(process.execPath, [BIN, 'ramp', '--env', 'canary'], { cwd: dir, env, stdio: ['ignore', 'ignore', 'pipe'] });
        let stderr = '';
        ramp.stderr.on('data', (d) => (stderr += d));
        const exited = new Promise((resolve) => ramp.on('exit', resolve));
        const stateFile = path.join(dir, '.migrate/state/canary.json');
        await until('the ramp to hold at 20 % on real traffic', async () => {
          if (ramp.exitCode !== null) throw new Error(`the ramp exited ${ramp.exitCode}: ${stderr}`);
          const s = JSON.parse((await fs.readFile(stateFile, 'utf8').catch(() => 'null')) ?? 'null');
          return s?.stages?.[0]?.status === 'soaking' && s.gates.some((g) => g.line.includes('real traffic') && g.line.includes('holding'));
        });
        await sleep(Math.random() * INTERVAL_MS); // the fault lands anywhere within an interval
        const fault = Date.now();
        target.setFaults({ error: { status: 503 } });
        const code = await exited;
        if (code !== 1) throw new Error(`the ramp exited ${code}, expected 1: ${stderr}`);
        await sleep(500); // the app keeps sending: none of it may reach target now
        const after = app.answers.filter((a) => a.at >= fault);
        const bad = after.filter((a) => a.status !== 200 || a.provider === 'target');
        const late = bad.filter((a) => a.at > Date.now() - 400).length;
        if (late > 0) throw new Error(`${late} app requests still failed or reached target after the rollback`);
        const last = bad.length ? Math.max(...bad.map((a) => a.at)) : fault;
        if (process.env.BENCH_DEBUG) {
          const s = JSON.parse(await fs.readFile(stateFile, 'utf8'));
          console.log(
            s.gates
              .slice(-3)
              .map((g) => `${Date.parse(g.at) - fault} ms ${g.line.slice(0, 90)}`)
              .join('\n'),
          );
          console.log(`include written ${(await fs.stat(gateway.includeFile)).mtimeMs - fault} ms, last bad ${last - fault} ms`);
        }
        return { intervals: (last - fault) / INTERVAL_MS, failed: bad.filter((a) => a.status !== 200).length, sent: after.length };
      } finally {
        await app.stop();
        await gateway.stop();
      }
    });
  } finally {
    await legacy.close();
    await target.close();
  }
}

async function nodeFailure() {
  const legacy = await startFakeProvider({ name: 'legacy', apiKey: KEYS.legacy });
  const east = await startFakeProvider({ name: 'east', apiKey: KEYS.target });
  const north = await startFakeProvider({ name: 'north', apiKey: KEYS.target });
  try {
    return await withDir('bench-gw-node-', async (dir) => {
      const target = {
        baseUrl: east.url,
        apiKey: KEYS.target,
        nodes: [
          { id: 'east', baseUrl: east.url },
          { id: 'north', baseUrl: north.url },
        ],
      };
      const gateway = await startGateway(dir, { legacy: { baseUrl: legacy.url, apiKey: KEYS.legacy }, target }, 100);
      const app = appTraffic(gateway.url);
      let answers;
      try {
        await until('the app to reach both nodes', () => east.count() > 50 && north.count() > 50);
        await east.close(); // killed mid-stream: refused connections from now on
        const killed = app.answers.length;
        await until('500 more app requests', () => app.answers.length >= killed + 500);
        answers = await app.stop();
      } finally {
        await app.stop();
        await gateway.stop();
      }
      const failed = answers.filter((a) => a.status !== 200).length;
      const log = (await fs.readFile(gateway.accessLog, 'utf8'))
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l));
      const failedOver = log.filter((l) => l.upstream.includes(', ') && l.status === '200').length;
      console.log(
        `node failure   ${answers.length} app requests, one of two target nodes killed mid-run: ${failed} failed at the app, ${failedOver} failed over to the other node — ${failed <= GOALS.nodeFailures ? 'within' : 'OVER'} the goal of ${GOALS.nodeFailures}`,
      );
      return failed <= GOALS.nodeFailures;
    });
  } finally {
    await legacy.close();
    await east.close().catch(() => undefined);
    await north.close();
  }
}

console.log(`gateway on a host nginx (${NGINX_BIN}); interval ${INTERVAL_MS} ms, ${ROUNDS} fault rounds`);
const ok = [await addedLatency()];
const rounds = [];
for (let i = 0; i < ROUNDS; i++) rounds.push(await faultToLegacy());
const m = median(rounds.map((r) => r.intervals));
console.log(
  `fault → legacy ${m.toFixed(2)} intervals (median of ${ROUNDS}; runs ${rounds.map((r) => r.intervals.toFixed(2)).join(', ')}; app requests failed ${rounds.map((r) => `${r.failed}/${r.sent}`).join(', ')}) — ${m <= GOALS.intervals ? 'within' : 'OVER'} the goal of ${GOALS.intervals}`,
);
ok.push(m <= GOALS.intervals);
ok.push(await nodeFailure());
if (ok.includes(false)) process.exitCode = 1;
