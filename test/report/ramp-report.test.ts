// `migrate report` and `validate --html` end to end: a real validation and a real ramp against the
// fake providers (the target breaks at 20 % and the ramp rolls back), then the HTML they leave.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LEGACY_KEY, TARGET_KEY, legacyEnvFile, migrate, project, providers, readState, soakingAt, spawnMigrate, waitForState } from '../ramp/helpers.js';
import { all, escapeHtml, expectSelfContained, svgs } from './html.js';
import { KEYS, rampState, recordedProject } from './state-fixture.js';

// One case passes on both; one asserts what no answer says (and quotes markup, which must come out escaped).
const SUITE = `name: mini
cases:
  - id: pong
    prompt: 'Reply with exactly "PONG"'
    assert: [{ icontains: pong }]
  - id: markup
    prompt: 'Reply with exactly "PONG"'
    assert: [{ contains: "<b>bold & 'quoted'</b>" }]
`;

function config(legacyUrl: string, targetUrl: string): string {
  return `version: 1
providers:
  legacy: { baseUrl: "${legacyUrl}", apiKey: "\${LEGACY_KEY}", prices: { gpt-4.1: { input: 2, output: 8 } } }
  target: { baseUrl: "${targetUrl}", apiKey: "\${TARGET_KEY}", prices: { gpt-4.1: { input: 1, output: 4 } } }
models: [gpt-4.1]
validate: { suites: [suite.yaml], dailyRequests: 1000 }
environments:
  canary:
    envFiles: [.env.canary]
    cutover: { OPENAI_BASE_URL: "${targetUrl}", OPENAI_API_KEY: "\${TARGET_KEY}" }
ramp:
  stages: [10, 20, 100]
  soak: 1200ms
  interval: 400ms
  gates: { minSamples: 3, p95RatioFloorMs: 500 }
  sources: { probes: { rps: 10 } }
`;
}

/** A project that validated (writing --html) and then ramped until the target broke at 20 %. */
async function rampedProject() {
  const { legacy, target } = await providers();
  const dir = project({ 'migrate.yaml': config(legacy.url, target.url), 'suite.yaml': SUITE, '.env.canary': legacyEnvFile(legacy.url) });
  const validated = await migrate(dir, ['validate', '--html', 'cases.html']);
  expect(validated.code, validated.stderr).toBe(0); // the markup case fails on both: no regression
  const ramp = spawnMigrate(dir, ['ramp', '--env', 'canary'], { targetUrl: target.url });
  await waitForState(dir, soakingAt(20));
  target.setFaults({ error: { status: 503 } });
  expect((await ramp).exitCode).toBe(1);
  return { dir, state: (await readState(dir))! };
}

describe('migrate report', () => {
  it('writes one self-contained HTML file: charts per provider with stages and decisions, every decision, validation and cost', async () => {
    const { dir, state } = await rampedProject();

    const r = await migrate(dir, ['report', '--env', 'canary', '--out', 'ramp.html']);

    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`wrote ${path.join(dir, 'ramp.html')}: the ramp of canary, ${state.gates.length} decisions`);
    const html = await fs.readFile(path.join(dir, 'ramp.html'), 'utf8');
    expectSelfContained(html);
    expect(html).not.toContain(LEGACY_KEY);
    expect(html).not.toContain(TARGET_KEY);
    // Every decision is a row, with the line the ramp printed.
    const rows = all(html, /<tr class="decision (pass|fail|inconclusive|error)">/g);
    expect(rows).toHaveLength(state.gates.length);
    for (const g of state.gates) expect(html).toContain(escapeHtml(g.line));
    expect(state.gates.some((g) => g.outcome === 'fail')).toBe(true);
    expect(html).toContain('<tr class="decision fail">');
    // Two timelines (error rate, p95), each one path per provider, one mark per decision, every stage started.
    const charts = svgs(html, 'timeline');
    expect(charts).toHaveLength(2);
    for (const chart of charts) {
      expect(all(chart, /<path class="series" data-provider="target" d="M[^"]+"/g)).toHaveLength(1);
      expect(all(chart, /<path class="series" data-provider="legacy" d="M[^"]+"/g)).toHaveLength(1);
      expect(all(chart, /<path class="decision" data-outcome="\w+"/g)).toHaveLength(state.gates.length);
      expect(all(chart, /<g class="stage">/g)).toHaveLength(2); // stage 100 % never started
      expect(chart).toContain('stage 2 · 20%');
      expect(chart).toContain('>rolled back<');
    }
    // The validation that ran before the ramp, and the cost legacy against target (half the prices).
    expect(html).toContain('The last validation, run before this ramp started.');
    expect(html).toContain('2 cases (1 pass, 1 both-fail)');
    expect(html).toMatch(/Per request, target costs <strong>50%<\/strong> of legacy \(saves [\d.]+ USD a request, [\d.]+ USD a month\)/);
  });

  it('validate --html: legacy and target side by side per case, failures open, markup escaped', async () => {
    const { dir } = await rampedProject();
    const html = await fs.readFile(path.join(dir, 'cases.html'), 'utf8');

    expectSelfContained(html);
    expect(html).not.toContain(LEGACY_KEY);
    expect(html).not.toContain(TARGET_KEY);
    const rows = all(html, /<tr class="case [\w-]+">[\s\S]*?<\/tr>/g);
    expect(rows).toHaveLength(2);
    const [pong, markup] = rows as [string, string];
    expect(pong).toContain('<tr class="case pass">');
    expect(all(pong, /<details class="side pass">/g)).toHaveLength(2); // folded
    expect(markup).toContain('<tr class="case both-fail">');
    expect(all(markup, /<details open class="side fail">/g)).toHaveLength(2); // legacy and target, open
    expect(markup).toContain(escapeHtml(`<b>bold & 'quoted'</b>`));
    expect(markup).not.toContain('<b>bold');
    // The report kept for `migrate report`: private, redacted.
    const kept = path.join(dir, '.migrate/validate/last.json');
    expect((await fs.stat(kept)).mode & 0o777).toBe(0o600);
    const text = await fs.readFile(kept, 'utf8');
    expect(JSON.parse(text).cases).toHaveLength(2);
    expect(text).not.toContain(LEGACY_KEY);
    expect(text).not.toContain(TARGET_KEY);
  });

  it("a ramp's --validate preflight keeps its validation for the report", async () => {
    const { legacy, target } = await providers();
    const dir = project({ 'migrate.yaml': config(legacy.url, target.url), 'suite.yaml': SUITE, '.env.canary': legacyEnvFile(legacy.url) });
    const ramp = await migrate(dir, ['ramp', '--env', 'canary', '--validate', '--stages', '100'], { targetUrl: target.url });
    expect(ramp.code, ramp.stderr).toBe(0);

    const r = await migrate(dir, ['report', '--env', 'canary', '--out', 'ramp.html']);

    expect(r.code, r.stderr).toBe(0);
    const html = await fs.readFile(path.join(dir, 'ramp.html'), 'utf8');
    expect(html).toContain('The last validation, run before this ramp started.');
    expect(html).toContain('2 cases (1 pass, 1 both-fail)');
    expect(html).toMatch(/Per request, target costs <strong>50%<\/strong> of legacy/);
  });

  it('with no ramp recorded: a one-line error naming what to run, exit 2, no file', async () => {
    const { legacy, target } = await providers();
    const dir = project({ 'migrate.yaml': config(legacy.url, target.url), 'suite.yaml': SUITE, '.env.canary': legacyEnvFile(legacy.url) });

    const r = await migrate(dir, ['report', '--env', 'canary']);

    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`no ramp of canary is recorded in ${path.join(dir, '.migrate/state')}: nothing to report`);
    expect(r.stderr).toContain('migrate ramp --env canary');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    await expect(fs.stat(path.join(dir, 'migrate-report-canary.html'))).rejects.toThrow();
  });
});

describe('migrate report from a recorded ramp', () => {
  it('escapes every recorded text and redacts a key a gate quoted; --dry-run writes nothing', async () => {
    const hostile = (weight: number) => `stage ${weight}%: webhook said <script>alert("x")</script> & key ${KEYS.target}`;
    const { state, decisions } = rampState(hostile);
    const dir = recordedProject(state);

    const dry = await migrate(dir, ['report', '--env', 'canary', '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain(`would write ${path.join(dir, 'migrate-report-canary.html')} (${decisions} decisions)`);
    await expect(fs.stat(path.join(dir, 'migrate-report-canary.html'))).rejects.toThrow();

    const r = await migrate(dir, ['report', '--env', 'canary', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ ok: true, environment: 'canary', file: path.join(dir, 'migrate-report-canary.html'), decisions });
    const html = await fs.readFile(path.join(dir, 'migrate-report-canary.html'), 'utf8');
    expectSelfContained(html);
    expect(html).not.toContain(KEYS.target);
    expect(all(html, /webhook said &lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt; &amp; key /g).length).toBeGreaterThanOrEqual(decisions);
    expect(html).toContain('No validation recorded');
  });

  it('an --out in a directory that does not exist: one line naming the file, exit 2', async () => {
    const dir = recordedProject(rampState().state);
    const r = await migrate(dir, ['report', '--env', 'canary', '--out', 'no/such/dir/r.html']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`cannot write ${path.join(dir, 'no/such/dir/r.html')} (ENOENT)`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
