import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/core/config/load.js';
import { resolveConfigPath, resolveEnvironment } from '../../src/core/config/environment.js';
import { UsageError } from '../../src/errors.js';
import { KEYS, minimalYaml, project } from './helpers.js';

const TWO = minimalYaml('environments:\n  canary: { envFiles: [.env.canary] }\n  production: { envFiles: [deploy/.env.production] }');

function thrown(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).exitCode).toBe(2);
    return err as UsageError;
  }
  throw new Error('expected an error');
}

describe('resolveEnvironment', () => {
  it('picks --env, else MIGRATE_ENV', async () => {
    const cwd = project({ 'migrate.yaml': TWO });
    const loaded = await loadConfig({ cwd, processEnv: { ...KEYS, MIGRATE_ENV: 'production' } });
    expect(resolveEnvironment(loaded, 'canary').name).toBe('canary');
    const fromEnv = resolveEnvironment(loaded);
    expect(fromEnv.name).toBe('production');
    expect(fromEnv.envConfig.envFiles).toEqual(['deploy/.env.production']);
  });

  it('picks the only environment when none is named', async () => {
    const loaded = await loadConfig({ cwd: project({ 'migrate.yaml': minimalYaml('environments:\n  canary: { envFiles: [.env] }') }), processEnv: KEYS });
    expect(resolveEnvironment(loaded).name).toBe('canary');
  });

  it('lists the known environments with a suggestion for an unknown one', async () => {
    const loaded = await loadConfig({ cwd: project({ 'migrate.yaml': TWO }), processEnv: KEYS });
    const err = thrown(() => resolveEnvironment(loaded, 'prodution'));
    expect(err.message).toBe('unknown environment "prodution" (did you mean "production"?); migrate.yaml defines: canary, production');
    const fromEnv = thrown(() => resolveEnvironment({ ...loaded, defaultEnvironment: 'qa' }));
    expect(fromEnv.message).toBe('unknown environment "qa" (from MIGRATE_ENV); migrate.yaml defines: canary, production');
  });

  it('asks for --env when there are several, and says when there are none', async () => {
    const loaded = await loadConfig({ cwd: project({ 'migrate.yaml': TWO }), processEnv: KEYS });
    const err = thrown(() => resolveEnvironment(loaded));
    expect(err.message).toBe('migrate.yaml has 2 environments (canary, production): choose one');
    expect(err.hint).toContain('--env');
    const empty = await loadConfig({ cwd: project({ 'migrate.yaml': minimalYaml() }), processEnv: KEYS });
    expect(thrown(() => resolveEnvironment(empty, 'canary')).message).toBe('migrate.yaml: no environments defined');
  });

  it("resolves paths in the config against the config's directory", async () => {
    const cwd = project({ 'ops/migrate.yaml': TWO });
    const loaded = await loadConfig({ cwd, processEnv: KEYS, configPath: 'ops/migrate.yaml' });
    expect(resolveConfigPath(loaded, 'deploy/.env.production')).toBe(path.join(cwd, 'ops/deploy/.env.production'));
    expect(resolveConfigPath(loaded, '/abs/file')).toBe('/abs/file');
  });
});
