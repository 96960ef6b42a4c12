// Shell completion, run for real: bash sources `migrate completion bash` and calls `_migrate` with
// COMP_WORDS as bash fills them on Tab; environment names and backup ids come from a temp
// project's config and state through `migrate __complete`. zsh and fish are checked with their
// own parsers when installed.
import { chmodSync, promises as fs, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, cliCommand, runCli, tempProject } from '../helpers/cli.js';

const CONFIG = [
  'version: 1',
  'providers:',
  '  legacy: { baseUrl: "https://api.openai.com/v1", apiKey: "${LEGACY_KEY}" }',
  '  target: { baseUrl: "https://relay.example/v1", apiKey: "${TARGET_KEY}" }',
  'models: [gpt-4.1]',
  'environments:',
  '  canary: { envFiles: [.env.canary] }',
  '  production: { envFiles: [.env.production] }',
  '',
].join('\n');

function project(config = CONFIG): string {
  const dir = tempProject('migrate-completion-', { 'migrate.yaml': config, '.env.canary': 'A=1\n', '.env.production': 'A=2\n' });
  chmodSync(dir, 0o700);
  return dir;
}

const KEY = { LEGACY_KEY: 'legacykey-0123456789abcdef0123' };

function migrate(cwd: string, args: string[]) {
  return runCli(args, { cwd, env: KEY });
}

/**
 * What bash offers for `line` (the cursor at its end): COMP_WORDS split as bash does, `=` a word
 * of its own. COMP_WORDS[0] is the built CLI, so the script's call back reaches this checkout.
 */
async function complete(cwd: string, line: string): Promise<string[]> {
  const words = line.split(/\s+|(?==)|(?<==)/).filter((w, i, all) => w !== '' || i === all.length - 1);
  words[0] = BIN;
  const script = 'source "$1" || exit 9; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _migrate; printf "%s\\n" "${COMPREPLY[@]}"';
  // bash runs the CLI itself (the script calls COMP_WORDS[0] back), with the runner's environment.
  const { env } = cliCommand([], { cwd, env: KEY });
  const r = await execa('bash', ['-c', script, 'bash', bashScript, ...words], { cwd, reject: false, extendEnv: false, env });
  expect(r.exitCode, r.stderr).toBe(0);
  expect(r.stderr).toBe('');
  return r.stdout.split('\n').filter(Boolean);
}

/** `migrate completion bash`, as a user's ~/.bashrc sources it; printed once for the file. */
let bashScript: string;
const scriptDir = tempProject('migrate-completion-script-');
beforeAll(async () => {
  const r = await migrate(scriptDir, ['completion', 'bash']);
  expect(r.exitCode, r.stderr).toBe(0);
  bashScript = path.join(scriptDir, 'migrate.bash');
  writeFileSync(bashScript, r.stdout);
});

describe('migrate completion bash', () => {
  it('completes commands (the hidden __complete is not offered)', async () => {
    const dir = project();
    expect(await complete(dir, 'migrate ra')).toEqual(['ramp']);
    const all = await complete(dir, 'migrate ');
    expect(all).toEqual(expect.arrayContaining(['init', 'check', 'validate', 'backup', 'rollback', 'ramp', 'status', 'gateway', 'doctor', 'completion']));
    expect(all).not.toContain('__complete');
  });

  it("completes each command's own flags, and values from choices", async () => {
    const dir = project();
    expect(await complete(dir, 'migrate ramp --re')).toEqual(['--resume']);
    expect(await complete(dir, 'migrate check --sa')).toEqual(['--samples']);
    expect(await complete(dir, 'migrate rollback --no')).toEqual(['--no-color', '--no-restart']);
    expect(await complete(dir, 'migrate check --provider ')).toEqual(['legacy', 'target', 'all']);
    expect(await complete(dir, 'migrate gateway ')).toEqual(['setup', 'status', 'remove']);
    expect(await complete(dir, 'migrate backup l')).toEqual(['list']);
    // A flag's value is not taken for the command word.
    expect(await complete(dir, 'migrate --config migrate.yaml ch')).toEqual(['check']);
  });

  it('completes environment names from the config, in every spelling of --env', async () => {
    const dir = project();
    expect(await complete(dir, 'migrate ramp --env ')).toEqual(['canary', 'production']);
    expect(await complete(dir, 'migrate rollback -e p')).toEqual(['production']);
    expect(await complete(dir, 'migrate status --env=c')).toEqual(['canary']);
    expect(await complete(dir, 'migrate --env ca')).toEqual(['canary']);
  });

  it('follows --config to another file', async () => {
    const dir = project();
    const other = tempProject('migrate-completion-other-', { 'deploy.yaml': CONFIG.replace('  production:', '  staging:') });
    expect(await complete(dir, `migrate --config ${other}/deploy.yaml ramp --env `)).toEqual(['canary', 'staging']);
  });

  it('completes backup ids of the environment given, after --to', async () => {
    const dir = project();
    for (const e of ['canary', 'production']) {
      const r = await migrate(dir, ['backup', '--env', e]);
      expect(r.exitCode, r.stderr).toBe(0);
    }
    const ids = await complete(dir, 'migrate rollback --env canary --to ');
    expect(ids).toHaveLength(1);
    expect(ids[0]).toMatch(/^\d{8}T\d{6}\.\d{3}Z-canary-[0-9a-f]{4}$/);

    // A backup whose stored copy changed since (rollback would refuse it) is not offered.
    const second = await migrate(dir, ['backup', '--env', 'canary']);
    expect(second.exitCode, second.stderr).toBe(0);
    const both = await complete(dir, 'migrate rollback --env canary --to ');
    expect(both).toHaveLength(2);
    const damaged = both.find((id) => id !== ids[0])!;
    const copies = path.join(dir, '.migrate', 'backups', damaged);
    const [copy] = (await fs.readdir(copies)).filter((f) => f !== 'manifest.json');
    await fs.appendFile(path.join(copies, copy!), 'TAMPERED=1\n');
    expect(await complete(dir, 'migrate rollback --env canary --to ')).toEqual(ids);
  });

  it('offers nothing, silently, when the config is broken or missing', async () => {
    const broken = project('version: 1\nproviders: [\n');
    expect(await complete(broken, 'migrate ramp --env ')).toEqual([]);
    const none = tempProject('migrate-completion-none-', {});
    expect(await complete(none, 'migrate rollback --to ')).toEqual([]);
    const r = await migrate(broken, ['__complete', 'environments']);
    expect(r).toMatchObject({ exitCode: 0, stdout: '', stderr: '' });
  });

  it('the __complete call back writes nothing', async () => {
    const dir = project();
    const r = await migrate(dir, ['__complete', 'backups', '--env', 'canary']);
    expect(r).toMatchObject({ exitCode: 0, stdout: '', stderr: '' });
    const files = (await execa('ls', ['-A', dir])).stdout.split('\n');
    expect(files.sort()).toEqual(['.env.canary', '.env.production', 'migrate.yaml']);
  });

  it('refuses an unknown shell with exit 2', async () => {
    const r = await migrate(project(), ['completion', 'tcsh']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('Allowed choices are bash, zsh, fish');
  });
});

describe('zsh and fish scripts', () => {
  for (const shell of ['zsh', 'fish'] as const) {
    it(`${shell}: the script names every command and is valid ${shell}`, async (t) => {
      const r = await migrate(project(), ['completion', shell]);
      expect(r.exitCode, r.stderr).toBe(0);
      for (const command of ['ramp', 'rollback', 'gateway', 'doctor']) expect(r.stdout).toContain(command);
      expect(r.stdout).toContain('__complete');
      const found = await execa('sh', ['-c', `command -v ${shell}`], { reject: false });
      // Not installed on the test machine (and not installed for this test): the syntax check is skipped.
      if (found.exitCode !== 0) return t.skip(`${shell} is not installed`);
      const check = await execa(shell, ['-n'], { input: r.stdout, reject: false });
      expect(check.exitCode, check.stderr).toBe(0);
    });
  }
});
