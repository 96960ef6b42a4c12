// `migrate doctor` end to end: real temp projects, the fake provider on loopback (its Date header
// is the clock check's reference), the real docker-compose found or hidden through PATH, and, as
// root, setpriv to a plain user so the kernel really refuses a write.
import { chmodSync, chownSync, mkdirSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { onCleanup, runCli, tempProject } from '../helpers/cli.js';
import { dockerAvailable } from '../helpers/docker.js';
import { startFakeProvider } from '../helpers/fake-provider.js';
import { NGINX_BIN } from '../helpers/nginx.js';
import { startPrometheus } from '../helpers/prometheus.js';

const LEGACY_KEY = 'legacykey-0123456789abcdef0123';
const TARGET_KEY = 'targetkey-fedcba9876543210fedc';
const isRoot = process.getuid?.() === 0;
const USER = 4321;

interface Run {
  /** Added to the environment; undefined removes a variable. */
  env?: Record<string, string | undefined>;
  /** Run as this uid (needs root): root may write any file, a user may not. */
  asUser?: number;
}

function doctor(cwd: string, args: string[] = [], opts: Run = {}) {
  return runCli(['doctor', ...args], { cwd, user: opts.asUser, env: { LEGACY_KEY, TARGET_KEY, ...opts.env } });
}

async function provider(): Promise<string> {
  const fake = await startFakeProvider({ name: 'legacy', apiKey: LEGACY_KEY });
  onCleanup(() => fake.close());
  return fake.url;
}

function configYaml(baseUrl: string, environment: string[] = ['    envFiles: [.env.canary]']): string {
  return [
    'version: 1',
    'providers:',
    '  legacy:',
    `    baseUrl: ${baseUrl}`,
    '    apiKey: ${LEGACY_KEY}',
    '  target:',
    '    baseUrl: http://127.0.0.1:9/target/v1',
    '    apiKey: ${TARGET_KEY}',
    'models: [gpt-4.1]',
    'environments:',
    '  canary:',
    ...environment,
    '',
  ].join('\n');
}

/** A project whose every check passes without docker: one environment, env file 0600, no compose. */
async function healthy(files: Record<string, string> = {}): Promise<string> {
  const dir = tempProject('migrate-doctor-', { 'migrate.yaml': configYaml(await provider()), '.env.canary': 'OPENAI_BASE_URL=https://api.openai.com/v1\n', ...files });
  chmodSync(path.join(dir, '.env.canary'), 0o600);
  return dir;
}

/** The line a check printed. */
function line(stdout: string, name: string): string {
  return stdout.split('\n').find((l) => new RegExp(`^[✓✗-] ${name}\\s`).test(l)) ?? `(no ${name} line in:\n${stdout})`;
}

describe('migrate doctor', () => {
  it('passes a healthy project, one line each, and says why docker is not needed', async () => {
    const dir = await healthy();
    const r = await doctor(dir);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(line(r.stdout, 'node')).toMatch(/^✓ node\s+Node \d+\.\d+\.\d+ \(supported: \^20/);
    expect(line(r.stdout, 'config')).toMatch(/^✓ config\s+migrate\.yaml is valid \(1 environment/);
    expect(line(r.stdout, 'docker')).toMatch(/^- docker\s+not needed: no environment checked names compose files/);
    expect(line(r.stdout, 'state')).toMatch(/^✓ state\s+\.migrate does not exist yet/);
    expect(line(r.stdout, 'env file')).toMatch(/^✓ env file\s+\.env\.canary \(canary\) is readable and writable/);
    expect(line(r.stdout, 'clock')).toMatch(/^✓ clock\s+(in step with|\d s (ahead of|behind)) http:\/\/127\.0\.0\.1:\d+/);
    expect(r.stdout).toContain('all checks passed');
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/legacykey|targetkey|0123456789abcdef/);
  });

  it('--json gives the same checks as data, without a key', async () => {
    const dir = await healthy();
    const r = await doctor(dir, ['--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.ok).toBe(true);
    expect(doc.checks.map((c: { name: string }) => c.name)).toEqual(['node', 'config', 'docker', 'state', 'env file', 'clock']);
    expect(doc.checks.find((c: { name: string }) => c.name === 'env file')).toMatchObject({ status: 'ok', detail: '.env.canary (canary) is readable and writable' });
    expect(r.stdout).not.toMatch(/legacykey|targetkey/);
  });

  it('a bad config fails with its file:line and the fix, exit 1, and nothing that needs it is judged', async () => {
    const dir = await healthy({ 'migrate.yaml': configYaml('not-a-url').replace('models: [gpt-4.1]', 'modles: [gpt-4.1]') });
    const r = await doctor(dir, ['--json']);
    expect(r.exitCode).toBe(1);
    const config = JSON.parse(r.stdout).checks.find((c: { name: string }) => c.name === 'config');
    expect(config.status).toBe('fail');
    expect(config.detail).toContain('migrate.yaml:4 providers.legacy.baseUrl');
    expect(config.detail).toMatch(/migrate\.yaml:9 modles: unknown key.*did you mean "models"/);
    expect(config.fix).toContain('migrate config');
    const human = await doctor(dir);
    expect(line(human.stdout, 'config')).toMatch(/^✗ config\s+migrate\.yaml:1 models: required; migrate\.yaml:4 .* → fix: fix these lines/);
    expect(line(human.stdout, 'state')).toMatch(/^- state\s+not checked: the config did not load/);
    expect(human.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('a config warning shows on the config line (a key file others may read) without failing or printing the key', async () => {
    const dir = await healthy({ '.env.migrate': `LEGACY_KEY=${LEGACY_KEY}\n` });
    chmodSync(path.join(dir, '.env.migrate'), 0o644);
    const r = await doctor(dir, [], { env: { LEGACY_KEY: undefined } });
    expect(r.exitCode, r.stdout).toBe(0);
    expect(line(r.stdout, 'config')).toMatch(/^✓ config\s+migrate\.yaml is valid \(1 environment\(s\)\); warning: \.env\.migrate holds API keys .*chmod 600 \.env\.migrate/);
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/legacykey|0123456789abcdef/);
  });

  it('a group-writable .migrate fails with the chown/chmod fix, exit 1', async () => {
    const dir = await healthy();
    mkdirSync(path.join(dir, '.migrate'));
    chmodSync(path.join(dir, '.migrate'), 0o770);
    const r = await doctor(dir);
    expect(r.exitCode).toBe(1);
    expect(line(r.stdout, 'state')).toMatch(/^✗ state\s+refusing to use .*\.migrate: writable by its group \(mode 0770\) → fix: .*chmod -R go-w/);
    chmodSync(path.join(dir, '.migrate'), 0o700);
    expect((await doctor(dir)).exitCode).toBe(0);
  });

  it.runIf(isRoot)('an env file this user may not write fails with the fix, exit 1 (run as a plain user)', async () => {
    const dir = await healthy();
    chownSync(dir, USER, USER);
    chownSync(path.join(dir, 'migrate.yaml'), USER, USER);
    chmodSync(path.join(dir, '.env.canary'), 0o644); // root's, readable by all, writable by root only
    const r = await doctor(dir, [], { asUser: USER });
    expect(r.exitCode, r.stderr).toBe(1);
    expect(line(r.stdout, 'env file')).toMatch(
      /^✗ env file\s+.*\.env\.canary is mode 0644, owner 0:0, and this user \(uid 4321\) may not write it.* → fix: run migrate as a user who may write/,
    );
  });

  it('a missing env file fails naming the environment and the key to fix', async () => {
    const dir = tempProject('migrate-doctor-', { 'migrate.yaml': configYaml(await provider()) });
    const r = await doctor(dir, ['--env', 'canary']);
    expect(r.exitCode).toBe(1);
    expect(line(r.stdout, 'env file')).toMatch(/^✗ env file\s+\.env\.canary \(canary\) does not exist → fix: create it, or fix environments\.canary\.envFiles/);
  });

  it('a clock an hour off the provider fails with how to sync it', async () => {
    // A provider whose Date header says an hour ago: the same as this machine being an hour ahead.
    const server = createServer((_req, res) => {
      res.setHeader('Date', new Date(Date.now() - 3_600_000).toUTCString());
      res.writeHead(401).end('{"error":{"message":"no key"}}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    onCleanup(() => server.close());
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
    const dir = await healthy({ 'migrate.yaml': configYaml(url) });
    const r = await doctor(dir);
    expect(r.exitCode).toBe(1);
    expect(line(r.stdout, 'clock')).toMatch(/^✗ clock\s+(3599|360[01]) s ahead of http:\/\/127\.0\.0\.1:\d+ → fix: sync the clock/);
  });

  it('no provider answering skips the clock with a note (not a failure)', async () => {
    const dir = await healthy({ 'migrate.yaml': configYaml('http://127.0.0.1:9/v1') });
    const r = await doctor(dir);
    expect(r.exitCode, r.stdout).toBe(0);
    expect(line(r.stdout, 'clock')).toMatch(/^- clock\s+not compared: no provider answered/);
  });
});

describe('migrate doctor checks the tools the config names', () => {
  const nginxEnvironment = (binary: string) => ['    envFiles: [.env.canary]', `    traffic: { driver: nginx, file: llm.conf, binary: ${binary} }`];
  const prometheusSource = (url: string) => ['ramp:', '  sources:', '    prometheus:', `      url: ${url}`];

  it("the nginx driver's binary and the gates' Prometheus (both real) pass", async () => {
    const prometheus = await startPrometheus([]);
    onCleanup(() => prometheus.stop());
    const dir = await healthy({ 'migrate.yaml': configYaml(await provider(), nginxEnvironment(NGINX_BIN)) + prometheusSource(prometheus.url).join('\n') + '\n' });
    const r = await doctor(dir);
    expect(r.exitCode, r.stdout).toBe(0);
    expect(line(r.stdout, 'nginx')).toMatch(/^✓ nginx\s+\/usr\/sbin\/nginx \d+\.\d+\.\d+/);
    expect(line(r.stdout, 'prometheus')).toMatch(/^✓ prometheus\s+http:\/\/127\.0\.0\.1:\d+ is ready/);
  });

  it('a missing nginx and a Prometheus nobody answers fail with their fixes; without them in the config neither is checked', async () => {
    const dir = await healthy({ 'migrate.yaml': configYaml(await provider(), nginxEnvironment('/nonexistent/nginx')) + prometheusSource('http://127.0.0.1:9').join('\n') + '\n' });
    const r = await doctor(dir);
    expect(r.exitCode).toBe(1);
    expect(line(r.stdout, 'nginx')).toMatch(/^✗ nginx\s+\/nonexistent\/nginx not found.* → fix: install nginx, or set environments\.canary\.traffic\.binary/);
    expect(line(r.stdout, 'prometheus')).toMatch(/^✗ prometheus\s+http:\/\/127\.0\.0\.1:9 does not answer .* → fix: start Prometheus, or fix ramp\.sources\.prometheus\.url/);
    const plain = await doctor(await healthy());
    expect(plain.stdout).not.toMatch(/^. (nginx|prometheus) /m);
  });
});

describe.skipIf(!(await dockerAvailable()))('migrate doctor with compose', () => {
  const withCompose = ['    envFiles: [.env.canary]', '    compose: { files: [docker-compose.yml] }'];

  it('finds docker and the installed compose', async () => {
    const dir = await healthy({ 'migrate.yaml': configYaml(await provider(), withCompose), 'docker-compose.yml': 'services: {}\n' });
    const r = await doctor(dir);
    expect(r.exitCode, r.stdout).toBe(0);
    expect(line(r.stdout, 'docker')).toMatch(/^✓ docker\s+daemon reachable \(server \S+\)/);
    expect(line(r.stdout, 'compose')).toMatch(/^✓ compose\s+Compose v[12] \d+\.\d+\.\d+/);
  });

  it('a PATH without compose fails the compose line with how to install it, exit 1', async () => {
    const dir = await healthy({ 'migrate.yaml': configYaml(await provider(), withCompose), 'docker-compose.yml': 'services: {}\n' });
    // PATH holds node and nothing else: neither `docker compose` nor `docker-compose` can be found.
    const bin = tempProject('migrate-doctor-bin-');
    symlinkSync(process.execPath, path.join(bin, 'node'));
    const r = await doctor(dir, [], { env: { PATH: bin } });
    expect(r.exitCode).toBe(1);
    expect(line(r.stdout, 'compose')).toMatch(
      /^✗ compose\s+neither `docker compose` \(v2\) nor `docker-compose` \(v1\) was found on PATH → fix: install the Docker Compose plugin/,
    );
    expect(line(r.stdout, 'docker')).toMatch(/^✗ docker\s+docker not found/);
  });
});
