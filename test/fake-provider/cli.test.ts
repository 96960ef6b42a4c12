// The launcher the demo, benchmarks and containers use: runs the compiled copy in dist/
// (built by `npm test` before vitest runs).
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const CLI = path.resolve('dist/testing/fake-provider-cli.js');
let child: ChildProcess | undefined;

afterEach(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
});

async function launch(args: string[]): Promise<string> {
  expect(existsSync(CLI), `${CLI} is missing: run npm run build`).toBe(true);
  child = spawn(process.execPath, [CLI, '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const [line] = await once(child.stdout!, 'data');
  return String(line).trim();
}

describe('fake-provider-cli', () => {
  it('prints its URL, serves with the given name, key and faults, and stops on SIGTERM', async () => {
    const url = await launch(['--name', 'legacy', '--key', 'sk-legacy-demo', '--latency', '30', '--error-rate', '1', '--error-status', '502']);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    const started = performance.now();
    const res = await fetch(`${url}/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk-legacy-demo', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(502);
    expect(res.headers.get('x-fake-provider')).toBe('legacy');
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
    const stats = await (await fetch(url.replace(/\/v1$/, '/_fake/stats'))).json();
    expect(stats.faults).toEqual({ latency: 30, error: { rate: 1, status: 502 } });
    child!.kill('SIGTERM');
    const [code] = await once(child!, 'exit');
    expect(code).toBe(0);
  });

  it('exits 2 with usage on bad faults JSON', async () => {
    child = spawn(process.execPath, [CLI, '--faults', '{"hnag":true}'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    const [code] = await once(child, 'exit');
    expect(code).toBe(2);
    expect(stderr).toContain('hnag');
    expect(stderr).toContain('usage:');
  });
});
