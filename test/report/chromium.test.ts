// The ramp report as a person sees it: `migrate report` writes it, headless Chromium (Debian's
// `chromium`) opens it from file://, and we check the DOM it built and the screenshot it took,
// with every network request routed to a local proxy that counts them: a self-contained report
// makes none.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { onCleanup, tempProject } from '../helpers/cli.js';
import { migrate } from '../ramp/helpers.js';
import { all } from './html.js';
import { decodePng, inkStats } from './png.js';
import { rampState, recordedProject } from './state-fixture.js';

const CHROMIUM = '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
if (!HAVE_CHROMIUM) console.warn(`\n!! SKIPPING the report screenshot test: ${CHROMIUM} is missing (Debian package chromium; scripts/setup.sh installs it)\n`);

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
  const profile = tempProject('migrate-chromium-');
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
    const { state, decisions } = rampState();
    const dir = recordedProject(state);
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
