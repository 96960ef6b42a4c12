// `nginx -s reload` exits 0 even when the master then refuses the configuration (here: a server
// someone added on a port another process holds, which `nginx -t` does not try to bind). The
// driver must say so, with nginx's own line, and never report the new split as applied.
import { readFile, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRunner } from '../helpers/run.js';
import { nginxDriver } from '../../src/core/traffic/nginx.js';
import { errorLogOf, isNewGeneration, pidFileOf, reloadComplaint } from '../../src/core/traffic/nginx-reload.js';
import { renderLocation, renderNginxInclude } from '../../src/core/traffic/nginx-render.js';
import { startFakeProvider, type FakeProvider } from '../helpers/fake-provider.js';
import { appAgent, NGINX_BIN, postThrough, startNginx, type NginxRig } from '../helpers/nginx.js';

const KEYS = { legacy: 'sk-legacy-key-reload-00001111', target: 'hs-target-key-reload-00002222' };
const run = createRunner();

let legacy: FakeProvider;
let target: FakeProvider;
let rig: NginxRig;
let busy: net.Server;

beforeAll(async () => {
  legacy = await startFakeProvider({ name: 'legacy', apiKey: KEYS.legacy });
  target = await startFakeProvider({ name: 'target', apiKey: KEYS.target });
  const providers = { legacy: { baseUrl: legacy.url, apiKey: KEYS.legacy }, target: { baseUrl: target.url, apiKey: KEYS.target } };
  rig = await startNginx({ include: renderNginxInclude({ environment: 'canary', weight: 0, splitKey: '$request_id', providers }), server: renderLocation('canary', []) });
  busy = net.createServer();
  await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
});

afterAll(async () => {
  await rig?.stop();
  appAgent.destroy();
  busy?.close();
  await legacy?.close();
  await target?.close();
});

const driver = () =>
  nginxDriver({
    environment: 'canary',
    file: rig.includeFile,
    binary: NGINX_BIN,
    args: rig.args,
    splitKey: '$request_id',
    providers: { legacy: { baseUrl: legacy.url, apiKey: KEYS.legacy }, target: { baseUrl: target.url, apiKey: KEYS.target } },
    reloadSettleMs: 200,
  });

async function send(n: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < n; i++) statuses.push(await postThrough(`${rig.url}/v1/chat/completions`, '{"model":"gpt-4.1","messages":[{"role":"user","content":"hi"}]}'));
  return statuses;
}

describe('nginx reload refused by the master (real nginx)', () => {
  it('a reload the master refuses fails the step with nginx error line; the include is put back and traffic stays where it was', async () => {
    const conf = path.join(rig.prefix, 'nginx.conf');
    const original = await readFile(conf, 'utf8');
    const port = (busy.address() as net.AddressInfo).port;
    // Someone added a server on a port another process holds: `nginx -t` passes, the master cannot bind it.
    await writeFile(conf, original.replace(/\n}\n$/, `\n    server { listen 127.0.0.1:${port}; return 204; }\n}\n`));
    const before = await readFile(rig.includeFile, 'utf8');
    const master = await rig.pid();

    const err = (await driver()
      .apply(20, { run })
      .catch((e: unknown) => e)) as Error & { hint?: string; exitCode?: number };
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toMatch(/-s reload` exited 0, but nginx did not load the new configuration: \[emerg\] bind\(\) to 127\.0\.0\.1:\d+ failed/);
    expect(err.hint).toContain('was put back');
    expect(err.message + err.hint).not.toContain(KEYS.target);
    expect(await readFile(rig.includeFile, 'utf8')).toBe(before);
    expect(await rig.pid()).toBe(master); // nginx kept running its old configuration
    const atTarget = target.requests.length;
    expect(await send(50)).toEqual(Array(50).fill(200));
    expect(target.requests.length).toBe(atTarget);

    // The cause fixed, the same apply is confirmed by new workers and takes effect.
    await writeFile(conf, original);
    expect(await driver().apply(100, { run })).toEqual({ appliedWeight: 100 });
    expect((await send(20)).every((s) => s === 200)).toBe(true);
    expect(target.requests.length).toBe(atTarget + 20);
  });
});

describe('where a reload is confirmed and why it failed', () => {
  const debian = 'nginx version: nginx/1.22.1\nconfigure arguments: --prefix=/usr/share/nginx --error-log-path=stderr --pid-path=/run/nginx.pid';

  it("the pid file: the configuration's pid line (under -p when relative), else the compiled-in path", () => {
    expect(pidFileOf('# pid /nope;\npid /tmp/x/nginx.pid;\nevents {}', debian, [])).toBe('/tmp/x/nginx.pid');
    expect(pidFileOf('pid logs/nginx.pid;', debian, ['-p', '/srv/ng/'])).toBe('/srv/ng/logs/nginx.pid');
    expect(pidFileOf('events {}', debian, [])).toBe('/run/nginx.pid');
  });

  it('the error log: -e, else the main error_log line, else the compiled-in path; stderr is none', () => {
    expect(errorLogOf('error_log /var/log/a.log warn;', debian, ['-e', '/tmp/e.log'])).toBe('/tmp/e.log');
    expect(errorLogOf('error_log logs/a.log warn;', debian, ['-p', '/srv/ng'])).toBe('/srv/ng/logs/a.log');
    expect(errorLogOf('events {}', debian, [])).toBeUndefined();
  });

  it("nginx's first complaint, without time and pid; a reload that took is a new worker under the same master", () => {
    const log = [
      '2026/12/04 19:47:00 [notice] 12714#12714: signal process started',
      '2026/12/04 19:47:00 [emerg] 12675#12675: bind() to 127.0.0.1:18242 failed (98: Address already in use)',
      '2026/12/04 19:47:02 [emerg] 12675#12675: still could not bind()',
    ].join('\n');
    expect(reloadComplaint(log)).toBe('[emerg] bind() to 127.0.0.1:18242 failed (98: Address already in use)');
    expect(reloadComplaint('2026/12/04 19:47:00 [notice] 1#1: signal process started')).toBeUndefined();
    expect(isNewGeneration({ master: 10, children: [11] }, { master: 10, children: [11, 12] })).toBe(true);
    expect(isNewGeneration({ master: 10, children: [11] }, { master: 10, children: [11] })).toBe(false);
    expect(isNewGeneration({ master: 10, children: [11] }, { master: 20, children: [21] })).toBe(false); // another nginx: not a reload
    expect(isNewGeneration({ master: 10, children: [11] }, undefined)).toBe(false);
  });
});
