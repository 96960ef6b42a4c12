// A real app put behind the gateway exactly as its user would, on LibreChat's layout (`api` reads
// the project .env only through a single-file bind mount at /app/.env, `rag_api` through env_file,
// `mongodb` not at all): real docker-compose v1, the nginx image from .ci/docker.sh, two fake
// providers. `migrate init`, one edit of .env.migrate, `gateway setup`, a ramp to 20 % judged on the
// app's own requests, `rollback`, `gateway remove`. After each step: what the containers hold, and
// where requests sent as the app sends them (from inside its container, with the URL and key the
// container holds) land. Open WebUI's and AnythingLLM's layouts were walked the same way by hand.
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../helpers/run.js';
import type { Command } from '../../src/core/exec/command.js';
import { gatewayWeight } from '../../src/core/gateway/loaded.js';
import { realApp } from '../helpers/apps.js';
import { NGINX_IMAGE, nginxImageAvailable } from '../helpers/docker.js';
import { freePort } from '../helpers/ports.js';
import { LEGACY_KEY, migrate, onCleanup, providers, TARGET_KEY } from '../ramp/helpers.js';
import { providerOf } from '../gateway/helpers.js';
import { expectNoKeys, fillTarget, pairIn, startedAt } from './rig.js';

type Pair = { url?: string; key?: string };

/** One chat request as the app sends it: its base URL, its own key, a marker the fake providers record. */
function request(pair: Pair, mark: string): string {
  const body = JSON.stringify({ model: 'gpt-4.1', messages: [{ role: 'user', content: mark }] });
  return `wget -q -O /dev/null --header "Authorization: Bearer ${pair.key}" --header "Content-Type: application/json" --post-data '${body}' "${pair.url}/chat/completions"`;
}

/** What the gateway's nginx holds, read as `gateway status` and `remove` read it; and the commands that took. */
async function heldWeight(project: Parameters<typeof gatewayWeight>[0]): Promise<{ held: Awaited<ReturnType<typeof gatewayWeight>>; argv: string[][] }> {
  const argv: string[][] = [];
  const held = await gatewayWeight(project, 'default', (cmd: Command) => (argv.push(cmd.argv), runCommand(cmd)));
  return { held, argv };
}

/** `n` requests from inside the container, one after the other; how many succeeded. */
async function appRequests(id: string, pair: Pair, n: number, mark: string): Promise<number> {
  const loop = `for i in $(seq ${n}); do ${request(pair, mark)} && echo ok; done`;
  const r = await runCommand({ argv: ['docker', 'exec', id, 'sh', '-c', loop], kind: 'read', timeoutMs: 60_000 });
  return r.stdout.split('\n').filter((l) => l === 'ok').length;
}

/** The app's own traffic while the ramp runs (the gate judges real requests): a loop in its container. */
function appLoop(id: string, pair: Pair, mark: string): void {
  const child = spawn('docker', ['exec', id, 'sh', '-c', `while true; do ${request(pair, mark)}; sleep 0.02; done`], { stdio: 'ignore' });
  onCleanup(() => void child.kill());
}

describe.skipIf(!(await nginxImageAvailable()))('a LibreChat-shaped app behind the gateway', () => {
  it('setup, 20 %, rollback, remove: the containers hold the gateway, then legacy, and requests land where the split says', { timeout: 180_000 }, async () => {
    const { legacy, target } = await providers();
    const app = await realApp('compose-librechat', { OPENAI_REVERSE_PROXY: legacy.url, OPENAI_API_KEY: LEGACY_KEY });
    onCleanup(() => app.down());
    const port = await freePort();
    const gatewayUrl = `http://127.0.0.1:${port}/v1`;
    const at = (p: typeof legacy, mark: string) => p.requests.filter((r) => JSON.stringify(r.body ?? '').includes(mark));
    const apiPair = (ids: Record<string, string>) => pairIn(ids.api!, 'OPENAI_REVERSE_PROXY', 'OPENAI_API_KEY', '/app/.env');
    const ragPair = (ids: Record<string, string>) => pairIn(ids.rag_api!, 'OPENAI_REVERSE_PROXY', 'OPENAI_API_KEY');

    const init = await migrate(app.dir, ['init', '--yes']);
    expect(init.code, init.stderr).toBe(0);
    await fillTarget(app.dir, target.url, TARGET_KEY);
    await fs.appendFile(path.join(app.dir, 'migrate.yaml'), `gateway: { image: "${NGINX_IMAGE}", port: ${port} }\n`);
    await app.up();
    const before = await app.ids();

    // setup: api (through its bind mount) and rag_api (env_file) recreated onto the gateway, mongodb untouched, requests still at legacy.
    const setup = await migrate(app.dir, ['gateway', 'setup', '--env', 'default', '--yes']);
    expect(setup.code, setup.stderr).toBe(0);
    const gated = await app.ids();
    expect(gated.api).not.toBe(before.api);
    expect(gated.mongodb).toBe(before.mongodb);
    expect(await apiPair(gated)).toEqual({ url: gatewayUrl, key: LEGACY_KEY });
    expect(await ragPair(gated)).toEqual({ url: gatewayUrl, key: LEGACY_KEY });
    expect(await appRequests(gated.api!, await apiPair(gated), 5, 'at-setup')).toBe(5);
    expect(at(legacy, 'at-setup').length).toBe(5);
    expect(at(legacy, 'at-setup').every((r) => r.authorized)).toBe(true);
    // Read with `docker exec` on the running container (found through the Engine API), not `docker-compose exec`.
    const withGateway = { ...app.project, files: [...app.project.files, 'compose.migrate.yaml'] };
    const atZero = await heldWeight(withGateway);
    expect(atZero.held).toEqual({ weight: 0 });
    expect(atZero.argv.filter((a) => a.includes('nginx'))).toEqual([['docker', 'exec', expect.any(String), 'nginx', '-c', '/etc/nginx/migrate/nginx.conf', '-T']]);

    // status names the gateway where the containers point, not "neither provider".
    const status = await migrate(app.dir, ['status', '--env', 'default']);
    expect(status.stdout + status.stderr).toContain(`OPENAI_REVERSE_PROXY → the gateway (${gatewayUrl}), key of legacy`);
    expect(status.stdout + status.stderr).not.toContain('neither provider');

    // 20 %: the gate holds on the app's own requests; no container is recreated; the split reaches them.
    appLoop(gated.api!, await apiPair(gated), 'during-ramp');
    const ramp = await migrate(app.dir, ['ramp', '--env', 'default', '--yes', '--stages', '20', '--soak', '2s', '--interval', '1s', '--rps', '10', '--min-samples', '3']);
    expect(ramp.code, ramp.stderr).toBe(0);
    expect(ramp.stderr).toMatch(/stage 20%: real traffic: target 0\.0% errors .* \(\d+ req\), legacy 0\.0% errors .* → advancing/);
    expect(await app.ids()).toEqual(gated);
    // The stage read the containers: each holds the gateway's URL, so its requests are in the split.
    expect(ramp.stderr).toContain(`✓ api (${gated.api!.slice(0, 12)}): OPENAI_REVERSE_PROXY → the gateway (${gatewayUrl}), key of legacy (read from /app/.env)`);
    expect(ramp.stderr).toContain(`✓ rag_api (${gated.rag_api!.slice(0, 12)}): OPENAI_REVERSE_PROXY → the gateway (${gatewayUrl}), key of legacy\n`);
    expect((await heldWeight(withGateway)).held).toEqual({ weight: 20 });
    expect(await appRequests(gated.api!, await apiPair(gated), 200, 'at-20')).toBe(200);
    const share = at(target, 'at-20').length / 200; // binomial: 20 % ± 2.8 points
    expect(share).toBeGreaterThan(0.1);
    expect(share).toBeLessThan(0.3);
    expect(at(target, 'at-20').every((r) => r.authorized)).toBe(true); // the gateway sends target's key

    // rollback: the gateway back at 0 %, every request at legacy. The env files held the gateway's
    // URL before and after, and so did the containers: none is recreated (no downtime), yet the
    // containers are read and verified.
    const started = await Promise.all(Object.values(gated).map(startedAt));
    const seen = legacy.requests.length;
    const rollback = await migrate(app.dir, ['rollback', '--env', 'default', '--yes']);
    expect(rollback.code, rollback.stdout + rollback.stderr).toBe(0);
    expect(rollback.stdout).toContain('nginx traffic at 0 %');
    expect(rollback.stdout).toContain('api, rag_api already held them (not recreated)');
    expect(rollback.stderr).not.toContain('do not clearly point at legacy or target'); // the gateway's URL is expected there
    expect(rollback.stderr).not.toContain('recreating');
    expect(rollback.stderr).not.toContain('neither provider');
    // Each container is judged by where the gateway sends its requests, and probed through it.
    for (const [service, from] of [
      ['api', ' (read from /app/.env)'],
      ['rag_api', ''],
    ] as const)
      expect(rollback.stderr).toContain(
        `✓ ${service} (${gated[service]!.slice(0, 12)}): OPENAI_REVERSE_PROXY → the gateway (${gatewayUrl}), which sends it to legacy, key of legacy${from}; models ok, chat ok`,
      );
    const back = await app.ids();
    expect(back).toEqual(gated);
    expect(await Promise.all(Object.values(back).map(startedAt))).toEqual(started);
    const verification = legacy.requests.slice(seen);
    expect(verification.filter((r) => r.path === '/v1/models' && r.authorized).length).toBeGreaterThan(0);
    expect(verification.filter((r) => r.path === '/v1/chat/completions' && r.authorized).length).toBeGreaterThan(0);
    expect(await apiPair(back)).toEqual({ url: gatewayUrl, key: LEGACY_KEY });
    expect(await appRequests(back.api!, await apiPair(back), 30, 'after-rollback')).toBe(30);
    expect(at(legacy, 'after-rollback').length).toBe(30);
    expect(at(target, 'after-rollback')).toEqual([]);

    // remove: the app straight to legacy again, the gateway gone.
    const remove = await migrate(app.dir, ['gateway', 'remove', '--env', 'default', '--yes']);
    expect(remove.code, remove.stderr).toBe(0);
    const direct = await app.ids();
    expect(await apiPair(direct)).toEqual({ url: legacy.url, key: LEGACY_KEY });
    expect(await ragPair(direct)).toEqual({ url: legacy.url, key: LEGACY_KEY });
    expect(direct.mongodb).toBe(before.mongodb);
    expect(await appRequests(direct.api!, await apiPair(direct), 5, 'direct')).toBe(5);
    expect(at(legacy, 'direct').length).toBe(5);
    await expect(providerOf(port)).rejects.toThrow();
    expectNoKeys(init, setup, ramp, rollback, remove);
  });
});
