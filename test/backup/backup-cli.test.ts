import { existsSync, promises as fs, rmSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createBackup } from '../../src/core/state/backups.js';
import { runCli, tempProject, type CliResult } from '../helpers/cli.js';

// End-to-end through the built CLI (npm test builds first), as a user or a CI job runs it.
const KEYS = { OPENAI_API_KEY: 'sk-legacy-E2EBACKUP-1111', TARGET_API_KEY: 'hs-target-E2EBACKUP-2222', APP_DB_PASSWORD: 'pw-only-in-envfile-3333' };

async function project(keep = 20) {
  const dir = tempProject('migrate-backup-');
  await fs.writeFile(
    path.join(dir, 'migrate.yaml'),
    `version: 1
providers:
  legacy: { baseUrl: "https://api.openai.com/v1", apiKey: "\${OPENAI_API_KEY}" }
  target: { baseUrl: "http://127.0.0.1:9/v1", apiKey: "\${TARGET_API_KEY}" }
models: [gpt-4.1]
environments:
  canary: { envFiles: [env/.env.canary] }
  production: { envFiles: [env/.env.production, env/missing.env] }
backup: { keep: ${keep} }
`,
  );
  await fs.mkdir(path.join(dir, 'env'));
  await fs.writeFile(path.join(dir, 'env/.env.canary'), `OPENAI_BASE_URL=http://127.0.0.1:9/v1/\nOPENAI_API_KEY=${KEYS.TARGET_API_KEY}\nAPP_DB_PASSWORD=${KEYS.APP_DB_PASSWORD}\n`);
  await fs.writeFile(path.join(dir, 'env/.env.production'), 'OPENAI_BASE_URL=https://api.openai.com/v1\n');
  return dir;
}

/** Run the CLI from a directory other than the project's, so config-relative paths are exercised. */
function migrate(dir: string, ...args: string[]): Promise<CliResult> {
  return runCli(['--config', path.join(dir, 'migrate.yaml'), ...args], { env: KEYS, keepFinalNewline: true });
}

/** Backups taken in-process (the CLI path is covered above), to keep this file fast. */
function seed(dir: string, environment: string, message?: string) {
  const file = environment === 'canary' ? 'env/.env.canary' : 'env/.env.production';
  return createBackup({
    stateDir: path.join(dir, '.migrate'),
    environment,
    files: [{ path: file, absolute: path.join(dir, file) }],
    message,
    toolVersion: 'test',
    pointsAt: () => (environment === 'canary' ? 'target' : 'legacy'),
  });
}

async function everythingWritten(dir: string): Promise<string> {
  const files = await fs.readdir(path.join(dir, '.migrate'), { recursive: true });
  const texts = await Promise.all(files.filter((f) => !/^backups\/[^/]+\/\d+-/.test(f)).map((f) => fs.readFile(path.join(dir, '.migrate', f), 'utf8').catch(() => '')));
  return texts.join('\n');
}

describe('migrate backup', () => {
  it('writes a verified backup, prints only its id on stdout and audits it without secrets', async () => {
    const dir = await project();
    const r = await migrate(dir, 'backup', '--env', 'canary', '-m', `before ramp (old key ${KEYS.APP_DB_PASSWORD})`);

    expect(r.exitCode).toBe(0);
    const id = r.stdout.trim();
    expect(r.stdout).toMatch(/^\d{8}T\d{6}\.\d{3}Z-canary-[0-9a-f]{4}\n$/);
    expect(r.stderr).toContain('backed up 1 env file of canary');
    expect(r.stderr).toContain('env/.env.canary');
    expect(r.stderr).toContain('points at target');

    const backupDir = path.join(dir, '.migrate/backups', id);
    const manifest = JSON.parse(await fs.readFile(path.join(backupDir, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ id, environment: 'canary', toolVersion: expect.any(String), files: [{ path: 'env/.env.canary', pointsAt: 'target', mode: '0644' }] });
    expect(manifest.message).toMatch(/^before ramp \(old key …|^before ramp \(old key pw-…/);
    expect(await fs.readFile(path.join(backupDir, '0-.env.canary'), 'utf8')).toBe(await fs.readFile(path.join(dir, 'env/.env.canary'), 'utf8'));

    const audit = (await fs.readFile(path.join(dir, '.migrate/audit.log'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(audit).toEqual([expect.objectContaining({ command: 'backup', environment: 'canary', result: 'ok', details: expect.objectContaining({ backup: id }) })]);

    const written = await everythingWritten(dir);
    for (const key of Object.values(KEYS)) {
      expect(r.stdout + r.stderr).not.toContain(key);
      expect(written).not.toContain(key);
    }
  });

  it('refuses a missing env file with exit 2, naming it, and writes no backup', async () => {
    const dir = await project();
    const r = await migrate(dir, 'backup', '--env', 'production');
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('cannot back up: env file env/missing.env is missing');
    expect(r.stderr).toContain(path.join(dir, 'env/missing.env'));
    expect(await fs.readdir(path.join(dir, '.migrate/backups')).catch(() => [])).toEqual([]);
    const audit = JSON.parse(await fs.readFile(path.join(dir, '.migrate/audit.log'), 'utf8'));
    expect(audit).toMatchObject({ command: 'backup', environment: 'production', result: 'failed' });
  });

  it('--dry-run says what it would copy and writes nothing', async () => {
    const dir = await project();
    const r = await migrate(dir, 'backup', '--env', 'canary', '--dry-run');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/would copy env\/\.env\.canary \(\d+ bytes, points at target\)/);
    expect(existsSync(path.join(dir, '.migrate'))).toBe(false);
  });

  it('keeps the newest backup.keep backups, and any backup the ramp state references', async () => {
    const dir = await project(2);
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await seed(dir, 'canary')).id);
    // An unfinished ramp will roll back to the first one: retention must spare it.
    await fs.mkdir(path.join(dir, '.migrate/state'), { recursive: true });
    await fs.writeFile(path.join(dir, '.migrate/state/canary.json'), JSON.stringify({ status: 'running', backupId: ids[0] }));
    const last = await migrate(dir, 'backup', '--env', 'canary', '--json');
    ids.push(JSON.parse(last.stdout).backup.id);

    expect(JSON.parse(last.stdout).pruned.sort()).toEqual([ids[1], ids[2]].sort());
    expect(last.stderr).toContain('removed 2 old backups (keeping the newest 2)');
    expect((await fs.readdir(path.join(dir, '.migrate/backups'))).sort()).toEqual([ids[0], ids[3], ids[4]].sort());
  });
});

describe('backups dated in the future (a host whose clock ran ahead, or a planted one)', () => {
  /** A real backup moved to a 2099 id (seeding with `now` would push every later id in this process past 2099). */
  async function ahead(dir: string, suffix: string): Promise<string> {
    const b = await seed(dir, 'canary', 'ahead');
    const id = `20991231T000000.000Z-canary-${suffix}`;
    const manifest = JSON.parse(await fs.readFile(path.join(b.dir, 'manifest.json'), 'utf8'));
    await fs.writeFile(path.join(b.dir, 'manifest.json'), JSON.stringify({ ...manifest, id, created: '2099-12-31T00:00:00.000Z' }));
    await fs.rename(b.dir, path.join(dir, '.migrate/backups', id));
    return id;
  }

  it('backup list flags them in the table, in --json and with a warning naming each', async () => {
    const dir = await project();
    const past = (await seed(dir, 'canary', 'real')).id;
    const future = await ahead(dir, 'beef');

    const table = await migrate(dir, 'backup', 'list', '--env', 'canary');
    expect(table.exitCode).toBe(0);
    expect(table.stderr).toContain(`warning: backup ${future} is dated 2099-12-31T00:00:00.000Z, in the future`);
    expect(table.stderr).toContain('rollback passes it over and retention prunes it first');
    expect(table.stdout).toMatch(new RegExp(`${future.replace(/\./g, '\\.')}\\s+2099-12-31 00:00:00Z \\(FUTURE\\)`));
    expect(table.stdout).not.toMatch(new RegExp(`${past.replace(/\./g, '\\.')}.*FUTURE`));

    const json = JSON.parse((await migrate(dir, 'backup', 'list', '--env', 'canary', '--json')).stdout);
    expect(json.backups.map((b: { id: string; future: boolean }) => [b.id, b.future])).toEqual([
      [future, true],
      [past, false],
    ]);
  });

  it('retention gives them no keep slot: they are pruned before any backup dated in the past', async () => {
    const dir = await project(2);
    const future = await ahead(dir, 'dead');
    const first = (await seed(dir, 'canary')).id;
    const second = (await seed(dir, 'canary')).id;
    const r = await migrate(dir, 'backup', '--env', 'canary', '--json');
    expect(r.exitCode).toBe(0);
    const taken = JSON.parse(r.stdout).backup.id;
    expect(JSON.parse(r.stdout).pruned.sort()).toEqual([future, first].sort());
    expect((await fs.readdir(path.join(dir, '.migrate/backups'))).sort()).toEqual([second, taken].sort());
  });
});

describe('migrate backup list', () => {
  it('--json is one JSON document, newest first, filtered by --env', async () => {
    const dir = await project();
    const first = (await seed(dir, 'canary', 'one')).id;
    const prod = (await seed(dir, 'production')).id;
    const second = (await seed(dir, 'canary', 'two')).id;

    const all = await migrate(dir, 'backup', 'list', '--json');
    expect(all.exitCode).toBe(0);
    expect(JSON.parse(all.stdout).backups.map((b: { id: string }) => b.id)).toEqual([second, prod, first]);

    const canary = JSON.parse((await migrate(dir, 'backup', 'list', '--env', 'canary', '--json')).stdout);
    expect(canary).toMatchObject({
      environment: 'canary',
      backups: [
        { id: second, message: 'two' },
        { id: first, message: 'one' },
      ],
    });
    expect(canary.backups[0].files[0]).toMatchObject({ path: 'env/.env.canary', pointsAt: 'target', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });

    const table = await migrate(dir, 'backup', 'list');
    expect(table.stdout.split('\n')[0]).toMatch(/^ID\s+ENV\s+CREATED\s+FILES\s+POINTS AT\s+BY\s+MESSAGE$/);
    expect(table.stdout.split('\n')[1]).toMatch(new RegExp(`^${second.replace(/\./g, '\\.')}\\s+canary\\s+.*\\s+1\\s+target\\s+.*two$`));
  });

  it('shows a backup whose manifest is garbage as damaged, with why, in the table and in --json; exit 0', async () => {
    const dir = await project();
    const good = (await seed(dir, 'canary', 'good')).id;
    const taken = await migrate(dir, 'backup', '--env', 'canary');
    const bad = taken.stdout.trim();
    await fs.writeFile(path.join(dir, '.migrate/backups', bad, 'manifest.json'), `{"id": "${bad}", "files": [`);
    const manifestBefore = await fs.stat(path.join(dir, '.migrate/backups', bad, 'manifest.json'));

    const table = await migrate(dir, 'backup', 'list', '--env', 'canary');
    expect(table.exitCode).toBe(0);
    const lines = table.stdout.split('\n');
    expect(lines[0]).toMatch(/^ID\s+CREATED/);
    expect(lines[1]).toMatch(new RegExp(`^${good.replace(/\./g, '\\.')}\\s`));
    expect(lines[2]).toBe(`${bad}  DAMAGED, cannot be restored: manifest.json is not valid JSON`);

    const json = JSON.parse((await migrate(dir, 'backup', 'list', '--env', 'canary', '--json')).stdout);
    expect(json.backups.map((b: { id: string }) => b.id)).toEqual([good]);
    expect(json.damaged).toEqual([{ id: bad, environment: 'canary', state: 'damaged', reason: 'manifest.json is not valid JSON' }]);
    // Another environment's listing does not carry it; listing leaves the damaged backup as it was.
    expect(JSON.parse((await migrate(dir, 'backup', 'list', '--env', 'production', '--json')).stdout).damaged).toEqual([]);
    expect((await fs.stat(path.join(dir, '.migrate/backups', bad, 'manifest.json'))).mtimeMs).toBe(manifestBefore.mtimeMs);
    for (const key of Object.values(KEYS)) expect(table.stdout + table.stderr).not.toContain(key);
  });

  it('with only a damaged backup: says there is no good one (not "no backups") and lists the damaged one', async () => {
    const dir = await project();
    const bad = (await seed(dir, 'canary')).id;
    await fs.writeFile(path.join(dir, '.migrate/backups', bad, 'manifest.json'), '{"version": 1}\n');
    const r = await migrate(dir, 'backup', 'list', '--env', 'canary');
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toContain('no good backups of canary in');
    expect(r.stdout).toMatch(new RegExp(`^${bad.replace(/\./g, '\\.')}  DAMAGED, cannot be restored: manifest\\.json id: `));
  });

  it('shows a backup whose stored copy was altered as damaged (rollback would refuse it), naming the file', async () => {
    const dir = await project();
    const bad = await seed(dir, 'canary');
    const copy = path.join(bad.dir, bad.manifest.files[0]!.stored);
    await fs.writeFile(copy, (await fs.readFile(copy, 'utf8')).replace('OPENAI_BASE_URL=http', 'OPENAI_BASE_URL=hxxp'));
    const json = JSON.parse((await migrate(dir, 'backup', 'list', '--env', 'canary', '--json')).stdout);
    expect(json.backups).toEqual([]);
    expect(json.damaged).toEqual([{ id: bad.id, environment: 'canary', state: 'damaged', reason: 'env/.env.canary: sha256 does not match the manifest' }]);
  });

  it('`backup --json list` lists (a flag before the subcommand word is not taken as its value)', async () => {
    const dir = await project();
    const r = await migrate(dir, 'backup', '--env', 'canary', '--json', 'list');
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout).backups).toEqual([]);
    expect(existsSync(path.join(dir, '.migrate/backups'))).toBe(false);
  });

  it('rejects an unknown subcommand with exit 2', async () => {
    const dir = await project();
    const r = await migrate(dir, 'backup', 'lst');
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('unknown backup subcommand "lst"');
  });
});
