// The written blackbox_exporter modules run by the real exporter (Debian's), probing fake
// providers: the probe is an authenticated GET /models with the key from its 0600 file, a
// wrong key or a dead node is probe_success 0.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stderrTail, stopChild } from '../helpers/child.js';
import { startFakeProvider, type FakeProvider } from '../helpers/fake-provider.js';
import { closedPort, freePort } from '../helpers/ports.js';
import { waitUntil } from '../helpers/wait.js';
import { KEYS, writtenMonitoring } from './helpers.js';
import { tempProject } from '../helpers/project.js';

const BLACKBOX = process.env.BLACKBOX_BIN ?? '/usr/bin/prometheus-blackbox-exporter';

let legacy: FakeProvider;
let target: FakeProvider;
let exporter: ChildProcess;
let base: string;
let tmp: string;
let out: string;
let nodes: { targets: string[]; labels: Record<string, string> }[];
let deadUrl: string;

beforeAll(async () => {
  legacy = await startFakeProvider({ name: 'legacy', apiKey: KEYS.legacy });
  target = await startFakeProvider({ name: 'target', apiKey: KEYS.target });
  deadUrl = `http://127.0.0.1:${await closedPort()}/v1`;
  tmp = tempProject('migrate-blackbox-');
  const written = await writtenMonitoring({ legacy: legacy.url, target: target.url, nodes: { dead: deadUrl } }, undefined, tmp);
  out = written.out;
  nodes = JSON.parse(written.read('prometheus/nodes.json'));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  exporter = spawn(BLACKBOX, [`--config.file=${path.join(out, 'blackbox/blackbox.yml')}`, `--web.listen-address=127.0.0.1:${port}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  const log = stderrTail(exporter);
  await waitUntil('blackbox_exporter to answer', async () => (await fetch(`${base}/metrics`)).ok, {
    dead: () => (exporter.exitCode !== null ? `blackbox_exporter exited: ${log()}` : undefined),
  });
}, 30_000);

afterAll(async () => {
  if (exporter) await stopChild(exporter, 'SIGTERM');
  await legacy?.close();
  await target?.close();
});

/** What Prometheus does for one file_sd group: GET /probe with its target and module. */
async function probe(group: { labels: Record<string, string> }): Promise<{ success: number; status: number }> {
  const url = `${base}/probe?target=${encodeURIComponent(group.labels.__param_target!)}&module=${group.labels.__param_module}`;
  const text = await (await fetch(url)).text();
  const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
  return { success: value('probe_success'), status: value('probe_http_status_code') };
}

const group = (provider: string, node: string) => nodes.find((n) => n.labels.provider === provider && n.labels.node === node)!;

describe('blackbox_exporter with the written modules (real exporter, fake providers)', () => {
  it("probes each node with its provider's key from the key file: the provider sees GET /models authorized", async () => {
    expect(await probe(group('legacy', 'main'))).toEqual({ success: 1, status: 200 });
    expect(await probe(group('target', 'main'))).toEqual({ success: 1, status: 200 });
    const got = target.requests.filter((r) => r.path === '/v1/models');
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ method: 'GET', authorized: true });
    expect(legacy.requests.filter((r) => r.path === '/v1/models' && r.authorized)).toHaveLength(1);
  });

  it('a dead node, and a wrong key, are probe_success 0', async () => {
    expect((await probe(group('target', 'dead'))).success).toBe(0);
    await writeFile(path.join(out, 'blackbox/target.key'), 'sk-wrong-key\n', { mode: 0o600 });
    const before = target.count({ path: '/v1/models' });
    expect(await probe(group('target', 'main'))).toEqual({ success: 0, status: 401 });
    expect(target.requests.filter((r) => r.path === '/v1/models').slice(before)).toMatchObject([{ authorized: false }]);
  });
});
