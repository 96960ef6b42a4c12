#!/usr/bin/env node
// Probe overhead: the probing client's p50 total against a fake provider with a fixed 20 ms delay,
// as a ratio to that delay and to curl's time_total on the same request. curl opens a new connection
// each time, so the client is judged like for like, also on a new connection per request: its
// overhead is that p50 minus curl's (target: under 1 ms). The keep-alive figure (how check and the
// ramp's probes really run) and the figure beyond the delay are printed too. Run `npm run build` first.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';

const DELAY_MS = 20;
const REQUESTS = 200;
const CURL_REQUESTS = 60;
const WARMUP = 5;
const TARGET_OVERHEAD_MS = 1;

if (!existsSync(fileURLToPath(new URL('../dist/core/http/client.js', import.meta.url)))) {
  console.error('bench/probe.js: dist/ is missing; run `npm run build` first');
  process.exit(2);
}
const { ProbeClient } = await import('../dist/core/http/client.js');
const { startFakeProvider } = await import('../dist/testing/fake-provider.js');
const { percentile } = await import('../dist/core/stats.js');
const run = promisify(execFile);

// Nearest-rank p50: an observed value, the lower middle one for an even count.
const median = (values) => percentile(values, 50);

// The same small chat completion for both clients; the fake delays every chat request by DELAY_MS.
const provider = await startFakeProvider({ name: 'bench', faults: { latency: DELAY_MS } });
const url = `${provider.url}/chat/completions`;
const body = { model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }], max_completion_tokens: 16 };
const headers = { authorization: `Bearer ${provider.apiKey}` };

async function probeTimes(n) {
  const client = new ProbeClient({ retry: { retries: 0 }, processEnv: process.env });
  const times = [];
  try {
    for (let i = 0; i < WARMUP + n; i++) times.push(await probeOnce(client));
  } finally {
    await client.close();
  }
  return times.slice(WARMUP);
}

/** Like curl: a new client, so a new connection, for every request. */
async function freshProbeTimes(n) {
  const times = [];
  for (let i = 0; i < WARMUP + n; i++) {
    const client = new ProbeClient({ retry: { retries: 0 }, processEnv: process.env });
    try {
      times.push(await probeOnce(client));
    } finally {
      await client.close();
    }
  }
  return times.slice(WARMUP);
}

async function probeOnce(client) {
  const res = await client.request({ method: 'POST', url, headers, body });
  if (!res.ok) throw new Error(`probe failed: ${res.failure?.message}`);
  return res.timings.totalMs;
}

// curl's own time_total excludes its process start-up, so only the HTTP exchange is compared.
async function curlTimes(n) {
  const args = [
    '-s',
    '-o',
    '/dev/null',
    '-w',
    '%{http_code} %{time_total}',
    '-H',
    `authorization: ${headers.authorization}`,
    '-H',
    'content-type: application/json',
    '-d',
    JSON.stringify(body),
    url,
  ];
  const times = [];
  for (let i = 0; i < WARMUP + n; i++) {
    const { stdout } = await run('curl', args);
    const [status, seconds] = stdout.trim().split(' ');
    if (status !== '200') throw new Error(`curl got HTTP ${status}`);
    if (i >= WARMUP) times.push(Number(seconds) * 1000);
  }
  return times;
}

try {
  const probe = median(await probeTimes(REQUESTS));
  const fresh = median(await freshProbeTimes(CURL_REQUESTS));
  const curl = median(await curlTimes(CURL_REQUESTS));
  // The fake's own work (timer slack, JSON) lands in both clients' figures alike, so the client's
  // overhead is judged against curl on the same endpoint, both on new connections; beyond-the-delay
  // shows the whole stack.
  const overhead = fresh - curl;
  const sign = (ms) => `${ms >= 0 ? '+' : ''}${ms.toFixed(2)} ms`;
  console.log(`probe: POST /v1/chat/completions against a fake provider with a fixed ${DELAY_MS} ms delay`);
  console.log(`  probe client p50 total   ${probe.toFixed(2)} ms over ${REQUESTS} requests (keep-alive)`);
  console.log(`  probe client p50 total   ${fresh.toFixed(2)} ms over ${CURL_REQUESTS} requests (new connection each)`);
  console.log(`  curl p50 time_total      ${curl.toFixed(2)} ms over ${CURL_REQUESTS} requests (new connection each)`);
  console.log(`  ratio to the delay       ${(probe / DELAY_MS).toFixed(3)}x (${sign(probe - DELAY_MS)}); curl ${(curl / DELAY_MS).toFixed(3)}x (${sign(curl - DELAY_MS)})`);
  console.log(`  ratio to curl            ${(fresh / curl).toFixed(3)}x like for like (keep-alive: ${(probe / curl).toFixed(3)}x)`);
  console.log(`  probe overhead vs curl   ${sign(overhead)} like for like  (target < ${TARGET_OVERHEAD_MS} ms: ${overhead < TARGET_OVERHEAD_MS ? 'met' : 'MISSED'})`);
  if (overhead >= TARGET_OVERHEAD_MS) process.exitCode = 1; // `npm run bench` fails on a missed target
} finally {
  await provider.close();
}
