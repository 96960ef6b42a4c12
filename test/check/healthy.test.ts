// `migrate check` against healthy fake providers: the table, the JSON document, the traffic sent,
// colour, and keys kept out of every output.
import { describe, expect, it } from 'vitest';
import { ANSI, check, configYaml, endpoint, expectExit, json, LEGACY_KEY, providers, TARGET_KEY } from './helpers.js';

const nodes = (url: string) => ['nodes:', `  - { id: cn-east, region: east, baseUrl: ${url} }`, `  - { id: cn-north, baseUrl: ${url} }`];

describe('migrate check, both providers healthy', () => {
  it('exits 0 with a table of legacy and target rows and node rows under target', async () => {
    const { legacy, target } = await providers();
    const yaml = configYaml({ legacyUrl: legacy.url, targetUrl: target.url, target: nodes(target.url) });
    const result = await check(yaml, ['--samples', '3']);
    expectExit(result, 0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toMatch(/^PROVIDER\s+ENDPOINT\s+.*VERDICT$/);
    expect(lines[1]).toMatch(new RegExp(`^legacy\\s+${legacy.url}\\s.*pass$`));
    expect(lines[2]).toMatch(new RegExp(`^target\\s+${target.url}\\s.*pass$`));
    expect(lines[3]).toMatch(/^\s+└ cn-east \(east\)\s.*pass$/);
    expect(lines[4]).toMatch(/^\s+└ cn-north\s.*pass$/);
    expect(result.stdout).toMatch(/0\/3/);
    expect(result.stderr).toContain('all required checks passed');
    // Per endpoint: /models, chat, stream, one warm-up and 3 samples; target has three endpoints.
    expect(legacy.count({ path: '/v1/models' })).toBe(1);
    expect(legacy.count({ path: '/v1/chat/completions' })).toBe(1 + 1 + 1 + 3);
    expect(target.count({ path: '/v1/chat/completions' })).toBe(3 * 6);
    expect(target.count({ authorized: false })).toBe(0);
    const streamed = target.requests.find((r) => r.stream)?.body as Record<string, unknown>;
    expect(streamed.stream_options).toEqual({ include_usage: true });
  });

  it('--json prints exactly one JSON document with the same endpoints and verdicts', async () => {
    const { legacy, target } = await providers();
    const yaml = configYaml({ legacyUrl: legacy.url, targetUrl: target.url, target: nodes(target.url) });
    const result = await check(yaml, ['--json', '--samples', '2']);
    expectExit(result, 0);
    const doc = json(result);
    expect(doc.schemaVersion).toBe(1);
    expect(doc.ok).toBe(true);
    expect(doc.endpoints.map((e) => `${e.role}/${e.node}/${e.verdict}`)).toEqual(['legacy/main/pass', 'target/main/pass', 'target/cn-east/pass', 'target/cn-north/pass']);
    const main = endpoint(doc, 'target');
    expect(main.chat).toMatchObject({ status: 'pass', tokenParam: 'max_completion_tokens' });
    expect(main.stream).toMatchObject({ status: 'pass', done: true, usage: true });
    // Role, content, finish and usage chunks, then [DONE].
    expect(main.stream.chunks).toBeGreaterThanOrEqual(5);
    expect(main.samples).toMatchObject({ requested: 2, errors: 0 });
    expect(main.samples.latency.totalMs?.count).toBe(2);
    expect(main.reach.ok).toBe(true);
  });

  it('rounds every millisecond figure in the JSON to 0.1 ms', async () => {
    const { legacy, target } = await providers({ faults: { latency: { min: 3, max: 9 } } });
    const result = await check(configYaml({ legacyUrl: legacy.url, targetUrl: target.url }), ['--json', '--provider', 'target', '--samples', '3']);
    expectExit(result, 0);
    const numbers = [...result.stdout.matchAll(/"\w+": (-?\d+(?:\.\d+)?)/g)].map((m) => m[1]!);
    expect(numbers.length).toBeGreaterThan(10);
    for (const n of numbers) expect(n).toMatch(/^-?\d+(\.\d)?$/);
  });

  it('--provider target sends nothing to legacy', async () => {
    const { legacy, target } = await providers();
    const result = await check(configYaml({ legacyUrl: legacy.url, targetUrl: target.url }), ['--provider', 'target', '--json', '--samples', '1']);
    expectExit(result, 0);
    expect(json(result).endpoints.map((e) => e.role)).toEqual(['target']);
    expect(legacy.count()).toBe(0);
    expect(target.count()).toBeGreaterThan(0);
  });

  it('prints no ANSI codes with NO_COLOR=1 or without a TTY, and never a key, even with --verbose', async () => {
    const { legacy, target } = await providers();
    const yaml = configYaml({ legacyUrl: legacy.url, targetUrl: target.url });
    const piped = await check(yaml, ['--samples', '1', '--verbose']);
    const noColor = await check(yaml, ['--samples', '1'], { env: { NO_COLOR: '1', FORCE_COLOR: '1' } });
    const jsonRun = await check(yaml, ['--samples', '1', '--json', '--verbose']);
    for (const result of [piped, noColor, jsonRun]) {
      expectExit(result, 0);
      expect(result.stdout + result.stderr).not.toMatch(ANSI);
      for (const key of [LEGACY_KEY, TARGET_KEY]) {
        expect(result.stdout).not.toContain(key);
        expect(result.stderr).not.toContain(key);
      }
    }
    // The control: FORCE_COLOR alone does colour the output, so the assertions above can fail.
    const forced = await check(yaml, ['--samples', '1'], { env: { FORCE_COLOR: '1' } });
    expect(forced.stdout + forced.stderr).toMatch(ANSI);
  });

  it('--env canary reports which provider each env file points at', async () => {
    const { legacy, target } = await providers();
    const yaml = configYaml({
      legacyUrl: legacy.url,
      targetUrl: target.url,
      extra: ['environments:', '  canary:', '    envFiles: [.env.canary, .env.shared]', '  prod:', '    envFiles: [.env.prod]'],
    });
    const files = {
      '.env.canary': `OPENAI_BASE_URL=${target.url}\nOPENAI_API_KEY=\${TARGET_KEY}\n`,
      '.env.shared': `OPENAI_BASE_URL=${legacy.url}/\n`,
      '.env.prod': `OPENAI_BASE_URL=${legacy.url}\n`,
    };
    const result = await check(yaml, ['--env', 'canary', '--json', '--samples', '1'], { files });
    expectExit(result, 0);
    expect(json(result).environment).toEqual({
      name: 'canary',
      files: [
        { path: '.env.canary', pointsAt: 'target' },
        { path: '.env.shared', pointsAt: 'legacy' },
      ],
      containersNote: 'no compose section: containers not inspected',
      needs: { errors: [], warnings: [] },
    });
    const table = await check(yaml, ['--env', 'canary', '--samples', '1'], { files });
    expectExit(table, 0);
    expect(table.stdout).toContain('environment canary: .env.canary → target, .env.shared → legacy');
    expect(table.stdout).toContain('containers: no compose section: containers not inspected');
  });
});
