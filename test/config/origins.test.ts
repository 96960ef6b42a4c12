import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/core/config/load.js';
import { originLines } from '../../src/core/config/origins.js';
import { legacyFromRestore } from '../../src/core/config/rebase.js';
import { KEYS, minimalYaml, project } from './helpers.js';

const ENVIRONMENT = 'environments:\n  canary: { envFiles: [.env.canary] }';

describe('where provider keys and base URLs come from', () => {
  it('reads .env.migrate before .env and the env files, and says where each value came from (never the value)', async () => {
    const cwd = project({
      'migrate.yaml': minimalYaml(ENVIRONMENT),
      '.env.migrate': `OPENAI_API_KEY=${KEYS.OPENAI_API_KEY}\n`,
      '.env': `OPENAI_API_KEY=sk-loses-to-env-migrate-0000\nHOLYSHEEP_API_KEY=${KEYS.HOLYSHEEP_API_KEY}\n`,
      '.env.canary': 'OPENAI_API_KEY=sk-loses-to-both-000000000\n',
    });
    await fs.chmod(path.join(cwd, '.env.migrate'), 0o600);
    const loaded = await loadConfig({ cwd, processEnv: { HOLYSHEEP_BASE_URL: KEYS.HOLYSHEEP_BASE_URL } });
    expect(loaded.config.providers.legacy.apiKey).toBe(KEYS.OPENAI_API_KEY);
    expect(loaded.warnings).toEqual([]);
    const lines = originLines(loaded.origins, loaded.dir, loaded.name);
    expect(lines).toEqual([
      'providers.legacy.baseUrl: written in migrate.yaml',
      'providers.legacy.apiKey: ${OPENAI_API_KEY} from .env.migrate',
      'providers.target.baseUrl: ${HOLYSHEEP_BASE_URL} from the process environment',
      'providers.target.apiKey: ${HOLYSHEEP_API_KEY} from .env',
    ]);
    for (const key of Object.values(KEYS).slice(0, 2)) expect(lines.join('\n')).not.toContain(key);
  });

  it('marks a key read from an env file an environment rewrites, and warns whatever the cut-over says', async () => {
    const cwd = project({ 'migrate.yaml': minimalYaml(ENVIRONMENT), '.env.canary': `OPENAI_API_KEY=${KEYS.OPENAI_API_KEY}\n` });
    const { OPENAI_API_KEY: _unused, ...others } = KEYS;
    const loaded = await loadConfig({ cwd, processEnv: others });
    expect(originLines(loaded.origins, loaded.dir, loaded.name)[1]).toBe(
      'providers.legacy.apiKey: ${OPENAI_API_KEY} from .env.canary, which environment canary rewrites (move it to .env.migrate)',
    );
    expect(loaded.warnings).toEqual([
      'migrate.yaml:5 providers.legacy.apiKey reads OPENAI_API_KEY from .env.canary, which environment canary rewrites; put OPENAI_API_KEY in .env.migrate beside the config (or the process environment), never in a file an environment rewrites',
    ]);
  });

  it('re-resolves only the legacy variables that come from a restored file, from its backup copy', async () => {
    const yaml = minimalYaml(ENVIRONMENT).replace('baseUrl: https://api.openai.com/v1', 'baseUrl: ${OPENAI_BASE_URL}');
    const cwd = project({
      'migrate.yaml': yaml,
      '.env.canary': `OPENAI_BASE_URL=${KEYS.HOLYSHEEP_BASE_URL}\nOPENAI_API_KEY=${KEYS.HOLYSHEEP_API_KEY}\n`,
    });
    const { OPENAI_API_KEY: _unused, ...others } = KEYS;
    const loaded = await loadConfig({ cwd, processEnv: others });
    expect(loaded.config.providers.legacy.apiKey).toBe(KEYS.HOLYSHEEP_API_KEY); // what the cut-over left on disk
    const copy = { absolute: path.join(cwd, '.env.canary'), content: Buffer.from(`OPENAI_BASE_URL=https://api.openai.com/v1\nOPENAI_API_KEY=${KEYS.OPENAI_API_KEY}\n`) };
    const rebased = legacyFromRestore(loaded, [copy]);
    expect(rebased && 'loaded' in rebased).toBe(true);
    const { loaded: again, names } = rebased as Exclude<typeof rebased, { problem: string } | undefined>;
    expect(names).toEqual(['OPENAI_BASE_URL', 'OPENAI_API_KEY']);
    expect(again.config.providers.legacy).toMatchObject({ baseUrl: 'https://api.openai.com/v1', apiKey: KEYS.OPENAI_API_KEY });
    expect(again.config.providers.target).toBe(loaded.config.providers.target);
    expect(again.secrets).toContain(KEYS.OPENAI_API_KEY);
    // Nothing on disk was read or changed for it.
    expect(await fs.readFile(path.join(cwd, '.env.canary'), 'utf8')).toContain(KEYS.HOLYSHEEP_API_KEY);
    // A backup without the variable: the loaded value stays, and the caller is told why.
    expect(legacyFromRestore(loaded, [{ ...copy, content: Buffer.from('OTHER=1\n') }])).toEqual({
      problem: expect.stringContaining('${OPENAI_BASE_URL} is not set'),
    });
    // A key from the process environment is never touched.
    expect(legacyFromRestore(await loadConfig({ cwd, processEnv: { ...KEYS, OPENAI_BASE_URL: 'https://api.openai.com/v1' } }), [copy])).toBeUndefined();
  });
});

describe('.env.migrate permissions', () => {
  it('warns when others may read it, and not when it is 0600', async () => {
    const cwd = project({ 'migrate.yaml': minimalYaml(), '.env.migrate': `OPENAI_API_KEY=${KEYS.OPENAI_API_KEY}\n` });
    const { OPENAI_API_KEY: _unused, ...others } = KEYS;
    await fs.chmod(path.join(cwd, '.env.migrate'), 0o644);
    expect((await loadConfig({ cwd, processEnv: others })).warnings).toEqual(['.env.migrate holds API keys and others may read it (mode 644): run `chmod 600 .env.migrate`']);
    await fs.chmod(path.join(cwd, '.env.migrate'), 0o600);
    expect((await loadConfig({ cwd, processEnv: others })).warnings).toEqual([]);
  });
});
