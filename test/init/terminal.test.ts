import { cpSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT, runCliAtTerminal, tempProject } from '../helpers/cli.js';

// A person at a real pseudo-terminal confirms what init detected in Open WebUI (fixtures/apps).

function appCopy(app: string): string {
  const dir = tempProject(`migrate-init-tty-${app}-`);
  cpSync(path.join(ROOT, 'fixtures/apps', app), dir, { recursive: true });
  return dir;
}

const PAIR = 'Which base URL and key does the app use';
const SERVICES = 'Which compose services call the LLM API';
const MODELS = 'Which model settings belong to this provider';

describe('migrate init at a terminal', () => {
  it('asks for the pair, the services and the model settings, each defaulting to what it detected', async () => {
    const dir = appCopy('open-webui');
    const r = await runCliAtTerminal(['init'], {
      cwd: dir,
      answers: [
        { when: PAIR, keys: '\r' }, // the detected OPENAI_API_BASE_URL + OPENAI_API_KEY
        { when: SERVICES, keys: '\x1b[B\x1b[B \r' }, // open-webui is ticked; add nginx (third)
        { when: MODELS, keys: ' \r' }, // untick DEFAULT_MODELS
      ],
    });
    expect(r.code, r.screen).toBe(0);
    expect(r.screen).toContain('OPENAI_API_BASE_URL + OPENAI_API_KEY  (high');
    const env = parse(readFileSync(path.join(dir, 'migrate.yaml'), 'utf8')).environments.default;
    expect(env.compose.services).toEqual(['open-webui', 'nginx']); // another set than detected: written, meaning exactly these
    expect(env.modelVariables).toEqual([]);
    expect(env.cutover).toEqual({ OPENAI_API_BASE_URL: '${TARGET_BASE_URL}', OPENAI_API_KEY: '${TARGET_API_KEY}' });
  });

  it('Ctrl-C at a prompt exits 130 and writes nothing', async () => {
    const dir = appCopy('open-webui');
    const r = await runCliAtTerminal(['init'], {
      cwd: dir,
      answers: [
        { when: PAIR, keys: '\r' },
        { when: SERVICES, keys: '\x03' },
      ],
    });
    expect(r.code, r.screen).toBe(130);
    expect(r.screen).toContain('init cancelled at the prompt; nothing was written');
    expect(existsSync(path.join(dir, 'migrate.yaml'))).toBe(false);
    expect(existsSync(path.join(dir, '.env.migrate'))).toBe(false);
  });

  it('--yes at a terminal asks nothing and takes what it detected', async () => {
    const dir = appCopy('librechat');
    const r = await runCliAtTerminal(['init', '--yes'], { cwd: dir, timeoutMs: 15_000 });
    expect(r.code, r.screen).toBe(0);
    expect(r.screen).not.toContain(PAIR);
    expect(r.screen).not.toContain(SERVICES);
    // The detected readers are not pinned as compose.services: the compose model derives them.
    expect(parse(readFileSync(path.join(dir, 'migrate.yaml'), 'utf8')).environments.default.compose).toEqual({ files: ['docker-compose.yml'] });
    expect(readFileSync(path.join(dir, 'migrate.yaml'), 'utf8')).toContain('# services: [api, rag_api]');
  });
});
