// `migrate nginx-config` end to end: the built CLI (`npm run build` runs before the tests).
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { renderLocation } from '../../src/core/traffic/nginx-render.js';
import { nginxMainConfig } from '../../src/testing/nginx-conf.js';
import { runCli, tempProject } from '../helpers/cli.js';
import { NGINX_BIN } from '../helpers/nginx.js';

const KEYS = { LEGACY_KEY: 'sk-legacy-0123456789abcdef0123', TARGET_KEY: 'sk-target-fedcba9876543210wxyz' };

function project(traffic: string, urls = { legacy: 'https://api.openai.com/v1', target: 'https://relay.example/v1' }): string {
  const dir = tempProject('migrate-nginx-config-');
  writeFileSync(path.join(dir, '.env.canary'), 'LLM_TARGET_WEIGHT=0\n');
  writeFileSync(
    path.join(dir, 'migrate.yaml'),
    [
      'version: 1',
      'providers:',
      `  legacy: { baseUrl: "${urls.legacy}", apiKey: "\${LEGACY_KEY}" }`,
      `  target: { baseUrl: "${urls.target}", apiKey: "\${TARGET_KEY}" }`,
      'models: [gpt-4.1]',
      'environments:',
      '  canary:',
      '    envFiles: [.env.canary]',
      `    traffic: ${traffic}`,
      '',
    ].join('\n'),
  );
  return dir;
}

const migrate = (cwd: string, args: string[]) => runCli(args, { cwd, env: KEYS });

describe('migrate nginx-config', () => {
  it('prints the include for the weight with the keys redacted', async () => {
    const cwd = project('{ driver: nginx, file: nginx/migrate.conf, splitKey: "$remote_addr" }');
    const r = await migrate(cwd, ['nginx-config', '--env', 'canary', '--weight', '20']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain('# migrate-weight: 20');
    expect(r.stdout).toContain('split_clients "$remote_addr" $migrate_canary_provider {\n    20%     target;\n    *       legacy;\n}');
    expect(r.stdout).toContain('target  "Bearer sk-…wxyz";');
    expect(r.stdout + r.stderr).not.toContain(KEYS.TARGET_KEY);
    expect(r.stdout + r.stderr).not.toContain(KEYS.LEGACY_KEY);
  });

  it("prints each node's hop with its own Host and key, redacted; a node header nginx cannot carry is refused by name", async () => {
    const nodes = (west: string) =>
      `[{ id: east, baseUrl: "https://east.relay.example/v1" }, { id: west, baseUrl: "https://west.relay.example/openai/v1", apiKey: "\${WEST_KEY}", headers: { X-Tenant: "${west}" } }]`;
    const cwd = project('{ driver: nginx, file: nginx/migrate.conf }');
    const config = path.join(cwd, 'migrate.yaml');
    const base = readFileSync(config, 'utf8');
    writeFileSync(config, base.replace('apiKey: "${TARGET_KEY}" }', `apiKey: "\${TARGET_KEY}", nodes: ${nodes('acme')} }`));
    const env = { WEST_KEY: 'sk-west-node-key-000000000000777' };
    const run = (args: string[]) => runCli(args, { cwd, env: { ...KEYS, ...env } });
    const r = await run(['nginx-config', '--env', 'canary', '--weight', '20']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain(
      '        proxy_pass https://migrate_canary_target_node2/openai/v1$request_uri;\n        proxy_set_header Host west.relay.example;\n        proxy_set_header Authorization "Bearer sk-…0777";\n        proxy_set_header X-Tenant "acme";',
    );
    expect(r.stdout).toContain('        proxy_ssl_name west.relay.example;');
    // The provider's own baseUrl is a third place: without a measured order, config order (it first).
    expect(r.stdout).toMatch(
      /server 127\.\d+\.\d+\.\d+:\d+ max_fails=2 fail_timeout=10s; {2}# target\n {4}server 127\.\d+\.\d+\.\d+:\d+ max_fails=2 fail_timeout=10s backup; {2}# east\n {4}server 127\.\d+\.\d+\.\d+:\d+ max_fails=2 fail_timeout=10s backup; {2}# west\n/,
    );
    for (const key of [...Object.values(KEYS), env.WEST_KEY]) expect(r.stdout + r.stderr).not.toContain(key);

    writeFileSync(config, base.replace('apiKey: "${TARGET_KEY}" }', `apiKey: "\${TARGET_KEY}", nodes: ${nodes('a$b')} }`));
    const bad = await run(['nginx-config', '--env', 'canary']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('providers.target.nodes[1].headers.X-Tenant holds a character nginx cannot carry');
    expect(bad.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('--json gives the file it would write and the redacted include', async () => {
    const cwd = project('{ driver: nginx, file: nginx/migrate.conf }');
    const r = await migrate(cwd, ['nginx-config', '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ environment: 'canary', weight: 0, file: path.join(cwd, 'nginx/migrate.conf') });
    expect(doc.include).toContain('    *       legacy;');
    expect(r.stdout).not.toContain(KEYS.TARGET_KEY);
  });

  it('warns when the environment uses another driver, and refuses a weight over 100', async () => {
    const cwd = project('{ driver: env }');
    const r = await migrate(cwd, ['nginx-config']);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toContain('environment canary uses the env traffic driver');
    const bad = await migrate(cwd, ['nginx-config', '--weight', '150']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('--weight must be between 0 and 100, got 150');
  });
});

describe('migrate nginx-config --write', () => {
  it('writes the include at traffic.file with the real keys, mode 0600, and a real nginx accepts it (nginx -t)', async () => {
    // Loopback providers: nginx -t resolves upstream host names, and tests reach no DNS.
    const cwd = project('{ driver: nginx, file: nginx/migrate.conf }', { legacy: 'http://127.0.0.1:9/v1', target: 'http://127.0.0.1:10/v1' });
    const r = await migrate(cwd, ['nginx-config', '--env', 'canary', '--write']);
    expect(r.exitCode, r.stderr).toBe(0);
    const file = path.join(cwd, 'nginx/migrate.conf');
    const text = readFileSync(file, 'utf8');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(text).toContain('# migrate-weight: 0');
    expect(text).toContain(`target  "Bearer ${KEYS.TARGET_KEY}";`);
    expect(text).toContain(`default "Bearer ${KEYS.LEGACY_KEY}";`);
    expect(r.stdout + r.stderr).not.toContain(KEYS.TARGET_KEY);
    expect(r.stdout + r.stderr).not.toContain(KEYS.LEGACY_KEY);
    expect(r.stderr).toContain(`wrote ${file}`);

    // nginx -t parses it in an http {} block whose location logs each request with the include's format.
    const conf = path.join(cwd, 'nginx.conf');
    writeFileSync(conf, nginxMainConfig(cwd, 1, file, renderLocation('canary', [], { accessLog: path.join(cwd, 'access.json') })));
    const t = await execa(NGINX_BIN, ['-p', cwd, '-e', path.join(cwd, 'error.log'), '-c', conf, '-t'], { reject: false });
    expect(t.exitCode, t.stderr).toBe(0);
    expect(t.stderr).not.toContain(KEYS.TARGET_KEY);
  });

  it('writes into the existing file (same inode) and keeps an existing 0600; --dry-run writes nothing', async () => {
    const cwd = project('{ driver: nginx, file: migrate.conf }');
    const file = path.join(cwd, 'migrate.conf');
    writeFileSync(file, '# old\n', { mode: 0o600 });
    const inode = statSync(file).ino;
    const dry = await migrate(cwd, ['nginx-config', '--write', '--dry-run']);
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe('# old\n');
    const r = await migrate(cwd, ['nginx-config', '--write', '--weight', '20']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(statSync(file).ino).toBe(inode);
    expect(readFileSync(file, 'utf8')).toContain('# migrate-weight: 20');
  });

  it('refuses --write for an environment on another driver (exit 2, what to set)', async () => {
    const cwd = project('{ driver: env }');
    const r = await migrate(cwd, ['nginx-config', '--write']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('environment canary uses the env traffic driver: --write needs traffic.file of the nginx driver');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
