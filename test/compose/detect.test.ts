import { describe, expect, it } from 'vitest';
import { detectCompose, parseComposeVersion } from '../../src/core/compose/detect.js';
import { CommandNotFoundError } from '../../src/core/exec/errors.js';
import { tempProject } from '../helpers/project.js';

describe('parseComposeVersion', () => {
  it('reads v2 and v1 version lines', () => {
    expect(parseComposeVersion('Docker Compose version v2.27.0\n')).toBe('2.27.0');
    expect(parseComposeVersion('Docker Compose version 2.20.2+ds1-0ubuntu1~22.04.1\n')).toBe('2.20.2+ds1-0ubuntu1~22.04.1');
    expect(parseComposeVersion('docker-compose version 1.29.2, build unknown\ndocker-py version: 5.0.3\n')).toBe('1.29.2');
    expect(parseComposeVersion("docker: 'compose' is not a docker command.")).toBeUndefined();
  });
});

// Only Compose v1 can be installed on this machine (Debian 12), so which one is preferred is
// tested with stand-in programs on PATH that print what the real ones print.
const V2_DOCKER = `#!/bin/sh
[ "$1 $2" = "compose version" ] && { echo "Docker Compose version v2.27.0"; exit 0; }
exit 1
`;
const PLUGINLESS_DOCKER = `#!/bin/sh
echo "docker: unknown command: docker compose" >&2
exit 1
`;
const V1_COMPOSE = `#!/bin/sh
[ "$1" = "version" ] && { echo "docker-compose version 1.29.2, build unknown"; exit 0; }
exit 1
`;
const V2_AS_DOCKER_COMPOSE = `#!/bin/sh
echo "Docker Compose version v2.20.2"
`;

function pathWith(programs: Record<string, string>): Record<string, string> {
  const scripts = Object.fromEntries(Object.entries(programs).map(([name, content]) => [name, { content, mode: 0o755 }]));
  return { PATH: tempProject('migrate-path-', scripts) };
}

describe('detectCompose', () => {
  it('prefers v2 (docker compose) when both are installed', async () => {
    const env = pathWith({ docker: V2_DOCKER, 'docker-compose': V1_COMPOSE });
    expect(await detectCompose({ processEnv: process.env, env })).toEqual({ flavor: 'v2', argv: ['docker', 'compose'], version: '2.27.0' });
  });

  it('falls back to v1 when docker has no compose plugin', async () => {
    const env = pathWith({ docker: PLUGINLESS_DOCKER, 'docker-compose': V1_COMPOSE });
    expect(await detectCompose({ processEnv: process.env, env })).toEqual({ flavor: 'v1', argv: ['docker-compose'], version: '1.29.2' });
  });

  it('falls back to v1 when docker itself is missing', async () => {
    const env = pathWith({ 'docker-compose': V1_COMPOSE });
    expect(await detectCompose({ processEnv: process.env, env })).toMatchObject({ flavor: 'v1', argv: ['docker-compose'] });
  });

  it('honours compose.command even when v2 is there', async () => {
    const env = pathWith({ docker: V2_DOCKER, 'docker-compose': V1_COMPOSE });
    expect(await detectCompose({ processEnv: process.env, env, command: 'docker-compose' })).toMatchObject({ flavor: 'v1', argv: ['docker-compose'] });
  });

  it('knows a docker-compose that is really v2 by its version', async () => {
    const env = pathWith({ 'docker-compose': V2_AS_DOCKER_COMPOSE });
    expect(await detectCompose({ processEnv: process.env, env })).toEqual({ flavor: 'v2', argv: ['docker-compose'], version: '2.20.2' });
  });

  it('says how to install Compose when there is none (exit 2)', async () => {
    const err = await detectCompose({ processEnv: process.env, env: pathWith({ docker: PLUGINLESS_DOCKER }) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CommandNotFoundError);
    expect((err as CommandNotFoundError).exitCode).toBe(2);
    expect((err as Error).message).toBe('docker-compose not found: install Docker Compose v2 (docker compose) or v1 (docker-compose)');
  });

  it('says what to change when the configured v2 is missing', async () => {
    const env = pathWith({ docker: PLUGINLESS_DOCKER, 'docker-compose': V1_COMPOSE });
    await expect(detectCompose({ processEnv: process.env, env, command: 'docker compose' })).rejects.toThrow(
      'docker compose (Compose v2) not found: install the Docker Compose plugin, or set compose.command: docker-compose in migrate.yaml',
    );
  });
});
