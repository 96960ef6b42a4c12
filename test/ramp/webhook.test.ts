// The stage-change webhook: every stage change and the end are POSTed, retried when the
// receiver fails, in order, and never carry a key.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { canaryProject, LEGACY_KEY, migrate, onCleanup, probeRamp, providers, TARGET_KEY } from './helpers.js';

async function receiver(failFirst: number) {
  const bodies: Array<Record<string, unknown>> = [];
  let seen = 0;
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (d) => (text += d));
    req.on('end', () => {
      if (seen++ < failFirst) {
        res.statusCode = 503;
        return res.end();
      }
      bodies.push(JSON.parse(text));
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  onCleanup(() => new Promise((r) => server.close(r)));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook?token=hooksecret`, bodies };
}

describe('ramp.webhook', () => {
  it('receives each stage change and the completion, retrying a failed delivery', async () => {
    const { legacy, target } = await providers();
    const hook = await receiver(2); // the first two attempts fail: the first event needs its 3rd try
    const dir = canaryProject({
      legacyUrl: legacy.url,
      targetUrl: target.url,
      ramp: [...probeRamp('50, 100', '800ms', '400ms'), `  webhook: ${hook.url}`],
    });

    const r = await migrate(dir, ['ramp', '--env', 'canary'], { targetUrl: target.url });

    expect(r.code, r.stderr).toBe(0);
    const seen = hook.bodies.map((b) => (b.event === 'stage' ? `${b.weight}:${b.status}` : `${b.event}:${b.status}`));
    expect(seen).toEqual(['50:applying', '50:soaking', '50:passed', '100:applying', '100:soaking', '100:passed', 'end:completed']);
    expect(hook.bodies[0]).toMatchObject({ event: 'stage', environment: 'canary', stage: 1, of: 2 });
    const all = JSON.stringify(hook.bodies) + r.stdout + r.stderr;
    expect(all).not.toContain(TARGET_KEY);
    expect(all).not.toContain(LEGACY_KEY);
    expect(r.stderr).not.toContain('hooksecret');
  });

  it('is told about a rollback: why it started, that it is done, and how the ramp ended', async () => {
    const { legacy, target } = await providers();
    const hook = await receiver(0);
    const verdict = `echo '{"verdict":"fail","reason":"checkout errors up"}'`;
    const dir = canaryProject({
      legacyUrl: legacy.url,
      targetUrl: target.url,
      ramp: ['  stages: [10, 100]', '  soak: 2s', '  interval: 300ms', '  sources:', '    probes: false', `    command: ${JSON.stringify(verdict)}`, `  webhook: ${hook.url}`],
    });

    const r = await migrate(dir, ['ramp', '--env', 'canary'], { targetUrl: target.url });

    expect(r.code, r.stderr).toBe(1);
    const seen = hook.bodies.map((b) => (b.event === 'stage' ? `${b.weight}:${b.status}` : `${b.event}:${b.status}`));
    expect(seen).toEqual(['10:applying', '10:soaking', 'rollback:started', 'rollback:done', 'end:rolled-back']);
    const reason = 'stage 10%: command says fail: checkout errors up → rolling back';
    expect(hook.bodies[2]).toMatchObject({ event: 'rollback', environment: 'canary', status: 'started', reason });
    expect(hook.bodies[3]).toMatchObject({ event: 'rollback', status: 'done', reason, detail: expect.stringMatching(/restored \.env\.canary from backup/) });
    expect(hook.bodies[4]).toMatchObject({ event: 'end', status: 'rolled-back', exitCode: 1 });
    expect(JSON.stringify(hook.bodies)).not.toContain(TARGET_KEY);
  });
});
