// A real app moved end to end, exactly as its user would: real docker-compose v1 on layouts
// modeled on Open WebUI (`${VAR}` from the project .env through `environment:`, beside Ollama),
// LibreChat (`./.env:/app/.env` single-file bind mount), AnythingLLM (`env_file`) and LobeChat
// (six services, four reading .env) and big-AGI (a host without /v1 in OPENAI_API_HOST, beside
// browserless). `migrate init --yes`, one edit of .env.migrate (the target's
// URL and key), `migrate ramp --yes` tuned by flags alone, then `migrate rollback --yes`; after
// each, the containers themselves must hold the pair and that pair must have answered.
import { describe, expect, it } from 'vitest';
import { realApp } from '../helpers/apps.js';
import { dockerAvailable } from '../helpers/docker.js';
import { LEGACY_KEY, migrate, onCleanup, providers, TARGET_KEY } from '../ramp/helpers.js';
import { expectNoKeys, fillTarget, pairIn } from './rig.js';

const available = await dockerAvailable();

interface Layout {
  fixture: string;
  urlVar: string;
  keyVar: string;
  /** init's findings, as printed: `.env:<line>` of each variable. */
  urlLine: number;
  keyLine: number;
  /** The services init names and the ramp recreates. */
  llm: string[];
  /** Services that must keep their container. */
  others: string[];
  /** Where a service reads .env other than its environment (LibreChat's api: the bind mount). */
  mounted?: Record<string, string>;
  /** Compose hands these services only the variables they name: the weight never reaches them. */
  blind?: string[];
  /** The .env.migrate edit pasted with CRLF and a trailing space: the app must still get the bare key. */
  sloppy?: boolean;
  /** The app adds /v1 itself (big-AGI's OPENAI_API_HOST): its variable holds the provider's URL without it. */
  addsV1?: boolean;
}

const LAYOUTS: Layout[] = [
  {
    fixture: 'open-webui',
    urlVar: 'OPENAI_API_BASE_URL',
    keyVar: 'OPENAI_API_KEY',
    urlLine: 7,
    keyLine: 8,
    llm: ['open-webui'],
    others: ['ollama', 'nginx'],
    blind: ['open-webui'],
  },
  {
    fixture: 'compose-librechat',
    urlVar: 'OPENAI_REVERSE_PROXY',
    keyVar: 'OPENAI_API_KEY',
    urlLine: 3,
    keyLine: 2,
    llm: ['api', 'rag_api'],
    others: ['mongodb'],
    mounted: { api: '/app/.env' },
  },
  { fixture: 'compose-anythingllm', urlVar: 'GENERIC_OPEN_AI_BASE_PATH', keyVar: 'GENERIC_OPEN_AI_API_KEY', urlLine: 3, keyLine: 4, llm: ['anything-llm'], others: [] },
  {
    fixture: 'lobe-chat',
    urlVar: 'OPENAI_PROXY_URL',
    keyVar: 'OPENAI_API_KEY',
    urlLine: 13,
    keyLine: 12,
    llm: ['minio', 'casdoor', 'searxng', 'lobe'],
    others: ['network-service', 'postgresql'],
    sloppy: true,
  },
  { fixture: 'big-agi', urlVar: 'OPENAI_API_HOST', keyVar: 'OPENAI_API_KEY', urlLine: 3, keyLine: 2, llm: ['big-agi'], others: ['browserless'], addsV1: true },
];

const FAST = ['--stages', '50,100', '--soak', '1s', '--interval', '500ms', '--rps', '10', '--min-samples', '3'];

/** What the service's app would use: its environment, then a mounted .env (LibreChat's api). */
const pairOf = (layout: Layout, ids: Record<string, string>, service: string) => pairIn(ids[service]!, layout.urlVar, layout.keyVar, layout.mounted?.[service]);
/** A provider's URL as the layout's variable holds it. */
const held = (layout: Layout, url: string) => (layout.addsV1 ? url.replace(/\/v1$/, '') : url);

describe.skipIf(!available)('moving a real app: init, one edit, ramp, rollback', () => {
  for (const layout of LAYOUTS) {
    it(layout.fixture, { timeout: 240_000 }, async () => {
      const { legacy, target } = await providers();
      const app = await realApp(layout.fixture, { [layout.urlVar]: held(layout, legacy.url), [layout.keyVar]: LEGACY_KEY });
      onCleanup(() => app.down());

      const init = await migrate(app.dir, ['init', '--yes']);
      expect(init.code, init.stderr).toBe(0);
      const found = init.stdout + init.stderr; // the findings are status: stderr, with no TTY
      expect(found).toMatch(new RegExp(`^base URL +${layout.urlVar} +\\.env:${layout.urlLine} +high`, 'm'));
      expect(found).toMatch(new RegExp(`^API key +${layout.keyVar} +\\.env:${layout.keyLine} +high`, 'm'));
      for (const service of layout.llm) expect(found).toMatch(new RegExp(`^service +${service} +docker-compose\\.yml:\\d+`, 'm'));
      if (layout.others.length) expect(found).toMatch(new RegExp(`^skipped +${layout.others.join(', ')} +docker-compose\\.yml +high +do not read the chosen variables`, 'm'));

      // The user's one hand edit: the target's URL and key, in the file init wrote for them.
      await fillTarget(app.dir, target.url, TARGET_KEY, { sloppy: layout.sloppy });

      await app.up();
      const before = await app.ids();
      for (const service of layout.llm) expect(await pairOf(layout, before, service)).toEqual({ url: held(layout, legacy.url), key: LEGACY_KEY });

      const ramp = await migrate(app.dir, ['ramp', '--env', 'default', '--yes', ...FAST]);
      expect(ramp.code, ramp.stdout + ramp.stderr).toBe(0);
      const said = ramp.stdout + ramp.stderr;
      expect(said).toMatch(/ramp of default completed/);
      // Stage 50 % changed nothing the app reads, and the ramp said so before it started.
      if (layout.blind) {
        expect(said).toContain(`note: env driver: ${layout.blind.join(', ')} never sees LLM_TARGET_WEIGHT`);
        // Not restarted for a weight it never sees: the container from before the ramp, still on legacy.
        for (const service of layout.blind)
          expect(said).toMatch(
            new RegExp(
              `✓ ${service} \\(${before[service]!.slice(0, 12)}\\): ${layout.urlVar} → legacy, key of legacy; models ok, chat ok \\d+ms; LLM_TARGET_WEIGHT never reaches it`,
            ),
          );
        expect(said).toContain('stage 1/2: 50% written, which no container of the app sees: its traffic stays on legacy; soaking');
      } else {
        expect(said).toContain('note: env driver: stages below 100 % only write LLM_TARGET_WEIGHT');
        expect(said).toContain('stage 1/2: 50% of traffic on target, soaking');
      }
      expect(said).toContain('for a real 5 %, put the nginx driver in front');
      const cut = await app.ids();
      for (const service of layout.llm) {
        expect(said).toContain(
          `✓ ${service} (${cut[service]!.slice(0, 12)}): ${layout.urlVar} → target, key of target${layout.mounted?.[service] ? ` (read from ${layout.mounted[service]})` : ''}; models ok, chat ok`,
        );
        // At 100 % the cut-over writes target's URL in the shape the variable held: big-AGI would call /v1/v1.
        expect(await pairOf(layout, cut, service)).toEqual({ url: held(layout, target.url), key: TARGET_KEY });
      }
      for (const service of layout.others) expect(cut[service]).toBe(before[service]);
      expect(target.count({ path: '/v1/models', authorized: true })).toBeGreaterThan(0);
      expect(target.count({ authorized: false })).toBe(0);

      const since = Date.now();
      const rollback = await migrate(app.dir, ['rollback', '--env', 'default', '--yes']);
      expect(rollback.code, rollback.stdout + rollback.stderr).toBe(0);
      expect(rollback.stderr).not.toContain('do not clearly point at legacy or target');
      const back = await app.ids();
      for (const service of layout.llm) {
        const line = `✓ ${service} (${back[service]!.slice(0, 12)}): ${layout.urlVar} → legacy, key of legacy${layout.mounted?.[service] ? ` (read from ${layout.mounted[service]})` : ''}; models ok, chat ok`;
        expect(rollback.stderr).toContain(line);
        expect(await pairOf(layout, back, service)).toEqual({ url: held(layout, legacy.url), key: LEGACY_KEY });
      }
      for (const service of layout.others) expect(back[service]).toBe(before[service]);
      // The rollback's probe of the pair the containers hold reached legacy with the legacy key.
      expect(legacy.requests.filter((r) => r.time >= since && r.path === '/v1/models' && r.authorized).length).toBeGreaterThan(0);
      expect(legacy.count({ authorized: false })).toBe(0);
      expectNoKeys(init, ramp, rollback);
    });
  }
});
