// The ramp report as a person sees it: `migrate report` writes it, headless Chromium (Debian's
// `chromium`) opens it from file://, and we check the DOM it built and the screenshot it took,
// with every network request routed to a local proxy that counts them: a self-contained report
// makes none.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { onCleanup } from '../helpers/cli.js';
import { migrate, project } from '../ramp/helpers.js';
import { all } from './html.js';
import { decodePng, inkStats } from './png.js';

const CHROMIUM = '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
if (!HAVE_CHROMIUM) console.warn(`\n!! SKIPPING the report screenshot test: ${CHROMIUM} is missing (Debian package chromium; scripts/setup.sh installs it)\n`);

const CONFIG = `version: 1
providers:
  legacy: { baseUrl: "http://127.0.0.1:9/v1", apiKey: "legacy-key-never-used-0000" }
  target: { baseUrl: "http://127.0.0.1:9/v1", apiKey: "target-key-never-used-0000" }
models: [gpt-4.1]
environments:
  canary: { envFiles: [.env.canary] }
`;

/** A ramp of 3 stages as the ramp records it: two passed, the third failed and rolled back; 9 decisions. */
function rampState(): { state: object; decisions: number } {
  const t0 = Date.parse('2026-03-01T03:00:00.000Z');
  const at = (s: number) => new Date(t0 + s * 1000).toISOString();
  const figures = (requests: number, errors: number, p95Ms: number) => ({ requests, errors, p95Ms });
  const gates = [];
  const stages = [
    { weight: 5, start: 0, end: 60, status: 'passed' },
    { weight: 20, start: 61, end: 121, status: 'passed' },
    { weight: 50, start: 122, end: 165, status: 'failed' },
  ];
  for (const [i, s] of stages.entries()) {
    const n = i === 2 ? 2 : 3;
    for (let k = 1; k <= n; k++) {
      const failing = i === 2 && k === n;
      const outcome = failing ? 'fail' : k === 1 ? 'inconclusive' : 'pass';
      const action = failing ? 'rollback' : k === n ? 'advance' : 'continue';
      const target = figures(20 * (i + 1) * k, failing ? 9 : 0, failing ? 2400 : 380 + 40 * k);
      gates.push({
        at: at(s.start + k * 19),
        stage: i,
        weight: s.weight,
        outcome,
        action,
        line: `stage ${s.weight}%: error rate ${((target.errors / target.requests) * 100).toFixed(1)}% <= 1.0% → ${action}`,
        checks: [{ source: 'probes', outcome, reason: 'r', target, legacy: figures(60, 0, 300 + 10 * k) }],
      });
    }
  }
  const state = {
    version: 1,
    environment: 'canary',
    status: 'rolled-back',
    stages: [...stages.map((s) => ({ weight: s.weight, status: s.status, startedAt: at(s.start), endedAt: at(s.end) })), { weight: 100, status: 'pending' }],
    current: 2,
    appliedWeight: 0,
    driver: 'nginx',
    startedAt: at(0),
    updatedAt: at(165),
    endedAt: at(165),
    reason: 'stage 50%: error rate 15.0% > 1.0% over 60 requests → rolling back',
    gates,
  };
  return { state, decisions: gates.length };
}

/**
 * Chromium's own housekeeping, which it sends despite --disable-background-networking (component
 * updates, network time, account checks): not the page's doing, so not counted against it.
 */
const CHROMIUM_SERVICES = /^(CONNECT |\w+ http:\/\/)[\w.-]*\.(google\.com|googleapis\.com)[:/]/;

/** What the page asked for, from what the proxy saw. */
const pageRequests = (seen: string[]) => seen.filter((line) => !CHROMIUM_SERVICES.test(line));

/** An HTTP proxy that answers nothing and counts what Chromium tried to fetch. */
async function countingProxy(): Promise<{ port: number; seen: string[] }> {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    res.writeHead(502).end();
  });
  server.on('connect', (req, socket) => {
    seen.push(`CONNECT ${req.url}`);
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onCleanup(() => new Promise((resolve) => server.close(resolve)));
  return { port: (server.address() as { port: number }).port, seen };
}

function chromium(args: string[], proxyPort: number) {
  const profile = mkdtempSync(path.join(tmpdir(), 'migrate-chromium-'));
  onCleanup(() => rmSync(profile, { recursive: true, force: true }));
  const flags = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    `--user-data-dir=${profile}`,
    // Every request goes to the counting proxy, and no name resolves (but the proxy's address).
    `--proxy-server=http://127.0.0.1:${proxyPort}`,
    '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
  ];
  return execa(CHROMIUM, [...flags, ...args], { reject: false, timeout: 60_000, stdin: 'ignore' });
}

describe.skipIf(!HAVE_CHROMIUM)('migrate report in headless Chromium', () => {
  it('renders the charts with one mark per decision, takes a non-blank screenshot, and fetches nothing', async () => {
    const dir = project({ 'migrate.yaml': CONFIG, '.env.canary': 'OPENAI_BASE_URL=http://127.0.0.1:9/v1\n' });
    const { state, decisions } = rampState();
    mkdirSync(path.join(dir, '.migrate/state'), { recursive: true, mode: 0o700 });
    writeFileSync(path.join(dir, '.migrate/state/canary.json'), JSON.stringify(state), { mode: 0o600 });
    const r = await migrate(dir, ['report', '--env', 'canary', '--out', 'report.html']);
    expect(r.code, r.stderr).toBe(0);
    const url = `file://${path.join(dir, 'report.html')}`;
    const proxy = await countingProxy();

    // The DOM Chromium built: two timelines, each with one mark per decision and a path per provider.
    const dom = await chromium(['--dump-dom', url], proxy.port);
    expect(dom.exitCode, String(dom.stderr).slice(-2000)).toBe(0);
    const charts = all(String(dom.stdout), /<svg [^>]*class="timeline"[\s\S]*?<\/svg>/g);
    expect(charts).toHaveLength(2);
    for (const chart of charts) {
      expect(all(chart, /<path class="decision"/g)).toHaveLength(decisions);
      expect(all(chart, /<path class="series" data-provider="(target|legacy)"/g)).toHaveLength(2);
      expect(all(chart, /<path class="point"/g)).toHaveLength(2 * decisions);
    }
    expect(all(String(dom.stdout), /<tr class="decision \w+">/g)).toHaveLength(decisions);

    const png = path.join(dir, 'report.png');
    const shot = await chromium([`--screenshot=${png}`, '--window-size=1200,1600', '--hide-scrollbars', url], proxy.port);
    expect(shot.exitCode, String(shot.stderr).slice(-2000)).toBe(0);
    const pixels = decodePng(readFileSync(png));
    expect([pixels.width, pixels.height]).toEqual([1200, 1600]);
    const ink = inkStats(pixels);
    expect(ink.dark).toBeGreaterThan(0.005); // text, axes and lines, not a blank page
    expect(ink.colours).toBeGreaterThan(20); // the outcome colours and anti-aliased text
    if (process.env.MIGRATE_KEEP_SCREENSHOT) writeFileSync(process.env.MIGRATE_KEEP_SCREENSHOT, readFileSync(png));

    expect(pageRequests(proxy.seen)).toEqual([]);

    // The control: a page that does fetch something is seen by the proxy, so the check above can fail.
    writeFileSync(path.join(dir, 'fetches.html'), '<!doctype html><p>x</p><img src="http://asset.example/logo.png">');
    await chromium([`--screenshot=${path.join(dir, 'control.png')}`, `file://${path.join(dir, 'fetches.html')}`], proxy.port);
    expect(pageRequests(proxy.seen)).toEqual(['GET http://asset.example/logo.png']);
  }, 120_000);
});
