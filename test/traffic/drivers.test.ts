// Each driver's generated files and commands, exactly. Commands go through a stub runner that
// fails on anything it was not told about (the real nginx run is in nginx-real.test.ts).
import { chmod, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ComposeProject } from '../../src/core/compose/project.js';
import { createRunner } from '../helpers/run.js';
import { stubRunner } from '../helpers/stub-runner.js';
import { commandDriver, reportedWeight } from '../../src/core/traffic/command.js';
import { createTrafficDriver } from '../../src/core/traffic/create.js';
import { envDriver } from '../../src/core/traffic/env.js';
import { nginxDriver } from '../../src/core/traffic/nginx.js';
import { renderNginxInclude, weightOfInclude } from '../../src/core/traffic/nginx-render.js';
import { describeStep } from '../../src/core/traffic/steps.js';
import type { FileStep } from '../../src/core/traffic/types.js';
import { tempProject } from '../helpers/project.js';

const fixtures = path.resolve(import.meta.dirname, '../../fixtures/nginx');
const providers = {
  legacy: { baseUrl: 'https://api.openai.com/v1', apiKey: 'sk-legacy-0123456789abcd' },
  target: { baseUrl: 'https://relay.example:8443/openai/v1/', apiKey: 'hs-target-9876543210wxyz' },
};
const project: ComposeProject = { cli: { flavor: 'v2', argv: ['docker', 'compose'], version: '2.27.0' }, files: ['/srv/app/docker-compose.yml'], cwd: '/srv/app', processEnv: {} };

let dir: string;
beforeEach(() => {
  dir = tempProject('migrate-drivers-');
});

describe('nginx include', () => {
  it('renders the commented split for a weight, exactly', async () => {
    const text = renderNginxInclude({ environment: 'canary', weight: 20, splitKey: '$request_id', providers });
    expect(text).toBe(await readFile(path.join(fixtures, 'canary-20.conf'), 'utf8'));
    expect(weightOfInclude(text)).toBe(20);
  });

  it('redacts keys for printing', async () => {
    const text = renderNginxInclude({ environment: 'canary', weight: 20, splitKey: '$request_id', providers, redact: true });
    expect(text).toBe(await readFile(path.join(fixtures, 'canary-20.redacted.conf'), 'utf8'));
    expect(text).not.toContain('0123456789abcd');
  });

  it("sends each provider's own headers to it only, and redacts secret-looking ones when printing", () => {
    const withHeaders = { ...providers, target: { ...providers.target, headers: { 'X-Relay-Tenant': 'acme', 'X-Api-Key': 'hs-tenant-secret-9876' } } };
    const text = renderNginxInclude({ environment: 'canary', weight: 20, splitKey: '$request_id', providers: withHeaders, redact: true });
    expect(text).toContain('#       proxy_set_header X-Api-Key $migrate_canary_h_x_api_key;');
    expect(text).toContain('map $migrate_canary_provider $migrate_canary_h_x_relay_tenant {\n    target  "acme";\n    default "";\n}');
    expect(text).toContain('target  "hs-…9876";');
    expect(text).not.toContain('hs-tenant-secret-9876');
  });

  it('sends a key pasted with quotes around it as the bare key, as check and validate do', () => {
    const quoted = { ...providers, target: { ...providers.target, apiKey: ` "${providers.target.apiKey}" ` } };
    const text = renderNginxInclude({ environment: 'canary', weight: 20, splitKey: '$request_id', providers: quoted });
    expect(text).toContain(`target  "Bearer ${providers.target.apiKey}";`);
  });

  it('weight 0 sends everything to legacy and 100 everything to target', () => {
    const split = (w: number) => /split_clients[^}]*}/.exec(renderNginxInclude({ environment: 'canary', weight: w, splitKey: '$request_id', providers }))![0];
    expect(split(0)).toBe('split_clients "$request_id" $migrate_canary_provider {\n    *       legacy;\n}');
    expect(split(100)).toBe('split_clients "$request_id" $migrate_canary_provider {\n    *       target;\n}');
    expect(split(12.345)).toContain('    12.35%  target;\n    *       legacy;');
  });

  it('keeps environments apart in one nginx', () => {
    const text = renderNginxInclude({ environment: 'prod-eu', weight: 5, splitKey: '$remote_addr', providers });
    expect(text).toContain('split_clients "$remote_addr" $migrate_prod_eu_provider {');
    expect(text).toContain('upstream migrate_prod_eu_target {');
  });

  it('refuses a key nginx would read as a variable', () => {
    const bad = { ...providers, target: { ...providers.target, apiKey: 'abc$def-ghijklmnop' } };
    expect(() => renderNginxInclude({ environment: 'canary', weight: 5, splitKey: '$request_id', providers: bad })).toThrow(
      'providers.target.apiKey holds a character nginx cannot carry',
    );
  });
});

describe('nginx driver plan', () => {
  const base = { environment: 'canary', file: '/etc/nginx/conf.d/migrate-canary.conf', binary: 'nginx', args: ['-c', '/etc/nginx/nginx.conf'], splitKey: '$request_id', providers };

  it('writes the include 0600, checks it, then reloads', async () => {
    const steps = await nginxDriver(base).plan(20);
    expect(steps.map(describeStep)).toEqual([
      'write /etc/nginx/conf.d/migrate-canary.conf (split 20% to target)',
      'run nginx -c /etc/nginx/nginx.conf -t',
      'run nginx -c /etc/nginx/nginx.conf -s reload',
    ]);
    expect((steps[0] as FileStep).mode).toBe(0o600);
  });

  it('runs nginx inside a compose service with exec -T', async () => {
    const steps = await nginxDriver({ ...base, args: [], service: { project, name: 'proxy' } }).plan(50);
    expect(steps.slice(1).map(describeStep)).toEqual([
      'run docker compose -f /srv/app/docker-compose.yml exec -T proxy nginx -t',
      'run docker compose -f /srv/app/docker-compose.yml exec -T proxy nginx -s reload',
    ]);
  });

  it('reports what the file says, and nothing when migrate did not write it', async () => {
    const file = path.join(dir, 'inc.conf');
    const driver = nginxDriver({ ...base, file });
    expect(await driver.current()).toBeUndefined();
    await writeFile(file, renderNginxInclude({ environment: 'canary', weight: 50, splitKey: '$request_id', providers }));
    expect(await driver.current()).toBe(50);
  });
});

describe('env driver', () => {
  const envText = '# canary\nexport OPENAI_BASE_URL="https://api.openai.com/v1"\nOPENAI_API_KEY=sk-legacy-0123456789abcd # old\nLLM_TARGET_WEIGHT=5\r\n';
  const cutover = { OPENAI_BASE_URL: 'https://relay.example/v1', OPENAI_API_KEY: 'hs-target-9876543210wxyz' };
  const secrets = ['sk-legacy-0123456789abcd', 'hs-target-9876543210wxyz'];

  async function files() {
    const a = path.join(dir, '.env.canary');
    const b = path.join(dir, '.env.worker');
    await writeFile(a, envText);
    await writeFile(b, 'LLM_TARGET_WEIGHT=5\nOTHER=1');
    await chmod(a, 0o640);
    return [a, b];
  }

  it('plans only the weight line per file, then recreates the services', async () => {
    const envFiles = await files();
    const driver = envDriver({ envFiles, weightKey: 'LLM_TARGET_WEIGHT', cutover, secrets, compose: { project, services: ['app', 'worker'] } });
    const steps = await driver.plan(20);
    expect(steps.map(describeStep)).toEqual([
      `write ${envFiles[0]} (set LLM_TARGET_WEIGHT=20)`,
      `write ${envFiles[1]} (set LLM_TARGET_WEIGHT=20)`,
      'run docker compose -f /srv/app/docker-compose.yml up -d --no-deps --force-recreate app worker',
    ]);
    expect((steps[0] as FileStep).content).toBe(envText.replace('LLM_TARGET_WEIGHT=5', 'LLM_TARGET_WEIGHT=20'));
    expect((steps[1] as FileStep).content).toBe('LLM_TARGET_WEIGHT=20\nOTHER=1');
  });

  it('below 100 % does not recreate a service compose never hands the weight; at 100 % it does', async () => {
    const envFiles = await files();
    const driver = envDriver({ envFiles, weightKey: 'LLM_TARGET_WEIGHT', cutover, secrets, compose: { project, services: ['app', 'webui'], weightBlind: ['webui'] } });
    expect((await driver.plan(20)).map(describeStep).at(-1)).toBe('run docker compose -f /srv/app/docker-compose.yml up -d --no-deps --force-recreate app');
    expect((await driver.plan(100)).map(describeStep).at(-1)).toBe('run docker compose -f /srv/app/docker-compose.yml up -d --no-deps --force-recreate app webui');
    const onlyBlind = envDriver({ envFiles, weightKey: 'LLM_TARGET_WEIGHT', cutover, secrets, compose: { project, services: ['webui'], weightBlind: ['webui'] } });
    expect((await onlyBlind.plan(20)).map(describeStep).some((s) => s.startsWith('run '))).toBe(false);
  });

  it('at 100 % also writes the cut-over keys, printed redacted, format kept', async () => {
    const envFiles = await files();
    const steps = await envDriver({ envFiles: [envFiles[0]!], weightKey: 'LLM_TARGET_WEIGHT', cutover, secrets }).plan(100);
    expect(steps.map(describeStep)).toEqual([`write ${envFiles[0]} (set LLM_TARGET_WEIGHT=100, set OPENAI_API_KEY=hs-…wxyz, set OPENAI_BASE_URL=https://relay.example/v1)`]);
    expect((steps[0] as FileStep).content).toBe(
      '# canary\nexport OPENAI_BASE_URL="https://relay.example/v1"\nOPENAI_API_KEY=hs-target-9876543210wxyz # old\nLLM_TARGET_WEIGHT=100\r\n',
    );
  });

  it("at 100 % writes a base URL in the shape the variable held: a bare host, or a *_HOST URL without a path, gets target's URL without /v1; an SDK base URL without a path the whole URL", async () => {
    const file = path.join(dir, '.env');
    await writeFile(
      file,
      'OPENAI_API_HOST=relay.legacy.example\nLOCAL_API_HOST=http://127.0.0.1:8080\nOPENAI_PROXY_URL=http://127.0.0.1:4000\nOPENAI_BASE_URL=https://relay.legacy.example/v1\nEMPTY_URL=\n',
    );
    const url = 'https://relay.example/v1';
    const cut = { OPENAI_API_HOST: url, LOCAL_API_HOST: url, OPENAI_PROXY_URL: url, OPENAI_BASE_URL: url, EMPTY_URL: url };
    const steps = await envDriver({ envFiles: [file], weightKey: 'LLM_TARGET_WEIGHT', cutover: cut, secrets: [] }).plan(100);
    // big-AGI adds /v1 itself: the /v1 URL would make it call /v1/v1. An OpenAI SDK given
    // http://127.0.0.1:4000 (a LiteLLM proxy at its root) adds nothing: without /v1 it would call
    // target's /chat/completions, a 404. An empty value has no shape to keep.
    expect((steps[0] as FileStep).content).toBe(
      'OPENAI_API_HOST=https://relay.example\nLOCAL_API_HOST=https://relay.example\nOPENAI_PROXY_URL=https://relay.example/v1\nOPENAI_BASE_URL=https://relay.example/v1\nEMPTY_URL=https://relay.example/v1\nLLM_TARGET_WEIGHT=100\n',
    );
  });

  it('adds the weight key when the file has none', async () => {
    const file = path.join(dir, '.env');
    await writeFile(file, 'A=1\n');
    const steps = await envDriver({ envFiles: [file], weightKey: 'LLM_TARGET_WEIGHT', cutover: {}, secrets: [] }).plan(5);
    expect((steps[0] as FileStep).content).toBe('A=1\nLLM_TARGET_WEIGHT=5\n');
  });

  it('applies: writes atomically keeping the mode, recreates, and reads the weight back', async () => {
    const envFiles = await files();
    const driver = envDriver({ envFiles, weightKey: 'LLM_TARGET_WEIGHT', cutover, secrets, compose: { project, services: ['app'] } });
    const up = ['docker', 'compose', '-f', '/srv/app/docker-compose.yml', 'up', '-d', '--no-deps', '--force-recreate', 'app'];
    const run = stubRunner().stub(up);
    expect(await driver.apply(50, { run })).toEqual({ appliedWeight: 50 });
    expect(await readFile(envFiles[0]!, 'utf8')).toBe(envText.replace('LLM_TARGET_WEIGHT=5', 'LLM_TARGET_WEIGHT=50'));
    expect((await stat(envFiles[0]!)).mode & 0o777).toBe(0o640);
    expect(run.ran.map((c) => c.argv)).toEqual([up]);
    expect(await driver.current()).toBe(50);
  });

  it('recreates even when the files already hold the weight (a crash may have come in between)', async () => {
    const envFiles = await files();
    const steps = await envDriver({ envFiles, weightKey: 'LLM_TARGET_WEIGHT', cutover, secrets, compose: { project, services: ['app'] } }).plan(5);
    expect(steps.map((s) => s.kind)).toEqual(['command']);
  });

  it('a failed recreate is an error naming the command', async () => {
    const envFiles = await files();
    const driver = envDriver({ envFiles, weightKey: 'LLM_TARGET_WEIGHT', cutover, secrets, compose: { project, services: ['app'] } });
    const up = ['docker', 'compose', '-f', '/srv/app/docker-compose.yml', 'up', '-d', '--no-deps', '--force-recreate', 'app'];
    const run = stubRunner().stub(up, { exitCode: 1, stderr: 'no such service: app' });
    await expect(driver.apply(20, { run })).rejects.toThrow('up -d --no-deps --force-recreate app` exited with code 1: no such service: app');
  });

  it('--dry-run writes nothing and reports the weight still in the files', async () => {
    const envFiles = await files();
    const said: string[] = [];
    const driver = envDriver({ envFiles, weightKey: 'LLM_TARGET_WEIGHT', cutover, secrets });
    expect(await driver.apply(100, { run: stubRunner(), dryRun: true, onDryRun: (m) => said.push(m) })).toEqual({ appliedWeight: 5 });
    expect(await readFile(envFiles[0]!, 'utf8')).toBe(envText);
    expect(said.join('\n')).not.toContain('9876543210');
  });

  it('a missing env file is a clear error', async () => {
    const driver = envDriver({ envFiles: [path.join(dir, 'nope.env')], weightKey: 'W', cutover: {}, secrets: [] });
    await expect(driver.plan(5)).rejects.toThrow(/nope\.env: cannot read env file \(no such file or directory\)/);
  });
});

describe('command driver', () => {
  it('plans the command with MIGRATE_WEIGHT and MIGRATE_ENV', async () => {
    const [step] = await commandDriver({ environment: 'canary', command: ['./set-weight', '--env', 'canary'], timeoutMs: 5000, cwd: '/srv' }).plan(20);
    expect(step).toEqual({
      kind: 'command',
      command: {
        argv: ['./set-weight', '--env', 'canary'],
        cwd: '/srv',
        env: { MIGRATE_WEIGHT: '20', MIGRATE_ENV: 'canary' },
        kind: 'write',
        timeoutMs: 5000,
        description: "set canary's weight to 20%",
      },
    });
    const [shell] = await commandDriver({ environment: 'canary', command: 'gw set $MIGRATE_WEIGHT', timeoutMs: 5000, cwd: '/srv' }).plan(5);
    expect(shell?.kind === 'command' && shell.command.argv).toEqual(['sh', '-c', 'gw set $MIGRATE_WEIGHT']);
  });

  it('runs a real command that sees the weight and the environment', async () => {
    const out = path.join(dir, 'seen');
    const driver = commandDriver({ environment: 'canary', command: `echo "$MIGRATE_ENV $MIGRATE_WEIGHT" > ${out}`, timeoutMs: 5000, cwd: dir });
    expect(await driver.apply(20, { run: createRunner() })).toEqual({ appliedWeight: 20 });
    expect(await readFile(out, 'utf8')).toBe('canary 20\n');
    expect(await driver.current()).toBe(20);
    expect(await driver.reset({ run: createRunner() })).toEqual({ appliedWeight: 0 });
    expect(await readFile(out, 'utf8')).toBe('canary 0\n');
  });

  it('honours the weight the command says it applied', async () => {
    const driver = commandDriver({ environment: 'canary', command: 'echo applying; echo \'{"weight": 10}\'', timeoutMs: 5000, cwd: dir });
    expect(await driver.apply(20, { run: createRunner() })).toEqual({ appliedWeight: 10 });
    expect(reportedWeight('15\n')).toBe(15);
    expect(reportedWeight('done\n')).toBeUndefined();
    expect(reportedWeight('{"appliedWeight": 100}')).toBe(100);
    expect(reportedWeight('{"weight": 170}')).toBeUndefined();
  });

  it('a failing command is an error with its last stderr line', async () => {
    const driver = commandDriver({ environment: 'canary', command: 'echo "gateway refused" >&2; exit 3', timeoutMs: 5000, cwd: dir });
    await expect(driver.apply(20, { run: createRunner() })).rejects.toThrow('exited with code 3: gateway refused');
  });
});

describe('createTrafficDriver', () => {
  const env = {
    envFiles: ['.env'],
    cutover: {},
    modelVariables: [],
    traffic: { driver: 'nginx' as const, file: 'inc.conf', binary: 'nginx', args: [], splitKey: '$request_id', service: 'proxy' },
  };

  it('an nginx service needs the compose files that define it', async () => {
    await expect(
      createTrafficDriver({ processEnv: {}, environment: 'canary', envConfig: env, providers: providers as never, configDir: dir, secrets: [], run: stubRunner() }),
    ).rejects.toThrow('environments.canary.traffic.service: "proxy" needs environments.canary.compose');
  });

  it('resolves paths against the config directory', async () => {
    const driver = await createTrafficDriver({
      processEnv: {},
      environment: 'canary',
      envConfig: { ...env, traffic: { ...env.traffic, service: undefined } },
      providers: providers as never,
      configDir: dir,
      secrets: [],
      run: stubRunner(),
    });
    expect(describeStep((await driver.plan(5))[0]!)).toBe(`write ${path.join(dir, 'inc.conf')} (split 5% to target)`);
  });
  it('nginx and command drivers write the cut-over keys into the env files at 100 % only', async () => {
    const envFile = path.join(dir, '.env');
    await writeFile(envFile, 'OPENAI_BASE_URL=https://api.openai.com/v1\nOPENAI_API_KEY=sk-legacy-0123456789abcd\n');
    const cutover = { OPENAI_BASE_URL: 'https://relay.example/v1', OPENAI_API_KEY: 'hs-target-9876543210wxyz' };
    const secrets = ['sk-legacy-0123456789abcd', 'hs-target-9876543210wxyz'];
    const withCompose = {
      ...env,
      cutover,
      compose: { files: ['docker-compose.yml'], services: ['app'], alsoRecreate: [], command: 'docker compose' },
      traffic: { ...env.traffic, service: undefined },
    };
    const composeVersion = { argv: ['docker', 'compose', 'version'], result: { exitCode: 0, stdout: 'Docker Compose version v2.27.0\n' } };
    const composeConfig = {
      argv: ['docker', 'compose', '-f', path.join(dir, 'docker-compose.yml'), 'config', '--format', 'json'],
      result: { exitCode: 0, stdout: '{"services":{"app":{}}}' },
    };
    const nginx = await createTrafficDriver({
      processEnv: {},
      environment: 'canary',
      envConfig: withCompose as never,
      providers: providers as never,
      configDir: dir,
      secrets,
      run: stubRunner().stub(composeVersion.argv, composeVersion.result).stub(composeConfig.argv, composeConfig.result),
    });
    expect((await nginx.plan(50)).map(describeStep)).toEqual([`write ${path.join(dir, 'inc.conf')} (split 50% to target)`, 'run nginx -t', 'run nginx -s reload']);
    expect((await nginx.plan(100)).map(describeStep).slice(3)).toEqual([
      `write ${envFile} (set OPENAI_API_KEY=hs-…wxyz, set OPENAI_BASE_URL=https://relay.example/v1)`,
      `run docker compose -f ${path.join(dir, 'docker-compose.yml')} up -d --no-deps --force-recreate app`,
    ]);

    const log = path.join(dir, 'applied.log');
    const command = await createTrafficDriver({
      processEnv: {},
      environment: 'canary',
      envConfig: { ...env, cutover, traffic: { driver: 'command', command: `echo $MIGRATE_WEIGHT >> ${log}`, timeout: 5000 } } as never,
      providers: providers as never,
      configDir: dir,
      secrets,
      run: stubRunner(),
    });
    await command.apply(50, { run: createRunner() });
    expect(await readFile(envFile, 'utf8')).toContain('OPENAI_BASE_URL=https://api.openai.com/v1');
    expect(await command.apply(100, { run: createRunner() })).toEqual({ appliedWeight: 100 });
    expect(await readFile(envFile, 'utf8')).toBe('OPENAI_BASE_URL=https://relay.example/v1\nOPENAI_API_KEY=hs-target-9876543210wxyz\n');
    await command.reset({ run: createRunner() }); // undoing the cut-over is restoring the backup, not the driver's job
    expect(await readFile(log, 'utf8')).toBe('50\n100\n0\n');
  });

  it('leaves the env files on legacy when the gateway reports it stopped short of 100 %', async () => {
    const envFile = path.join(dir, '.env');
    const before = 'OPENAI_BASE_URL=https://api.openai.com/v1\nOPENAI_API_KEY=sk-legacy-0123456789abcd\n';
    await writeFile(envFile, before);
    const cutover = { OPENAI_BASE_URL: 'https://relay.example/v1' };
    const command = await createTrafficDriver({
      processEnv: {},
      environment: 'canary',
      envConfig: { ...env, cutover, traffic: { driver: 'command', command: 'echo \'{"weight": 50}\'', timeout: 5000 } } as never,
      providers: providers as never,
      configDir: dir,
      secrets: [],
      run: stubRunner(),
    });
    expect(await command.apply(100, { run: createRunner() })).toEqual({ appliedWeight: 50 });
    expect(await readFile(envFile, 'utf8')).toBe(before);
  });
});
