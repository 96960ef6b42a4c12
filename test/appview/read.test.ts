// Reading what a container sees through a single-file bind mount of an env file: with `cat`
// inside a running container, and through `docker cp` when exec cannot run (a stopped one).
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readContainerViews } from '../../src/core/appview/read.js';
import { composeDown, composeUp } from '../../src/core/compose/commands.js';
import { composeProject } from '../../src/core/compose/project.js';
import { containerIds } from '../../src/core/compose/containers.js';
import { waitForServices } from '../../src/core/compose/wait.js';
import type { ContainerInside } from '../../src/core/compose/docker.js';
import { createRunner, runCommand } from '../helpers/run.js';
import { onCleanup } from '../helpers/cli.js';
import { composeFixture, dockerAvailable } from '../helpers/docker.js';

const available = await dockerAvailable();

const READER = [
  'services:',
  '  reader:',
  '    image: migrate-busybox:latest',
  '    network_mode: host',
  '    environment: { OPENAI_API_KEY: from-the-environment }',
  '    volumes:',
  '      - ./.env.canary:/app/.env:ro',
  '    command: ["sh", "-c", "trap \'exit 0\' TERM INT; while true; do sleep 1; done"]',
  '    stop_grace_period: 1s',
  '',
].join('\n');

describe.skipIf(!available)('readContainerViews', () => {
  it('reads a bound env file as the container sees it (the old inode after a rename), the environment winning, running or stopped', async () => {
    const fx = await composeFixture({ OPENAI_BASE_URL: 'http://127.0.0.1:9/v1', OPENAI_API_KEY: 'from-the-file', LLM_TARGET_WEIGHT: '0' });
    onCleanup(() => fx.down());
    await fs.writeFile(path.join(fx.dir, 'extra.yml'), READER);
    const project = composeProject(fx.project.cli, { files: ['docker-compose.yml', 'extra.yml'], projectName: fx.projectName }, fx.dir, process.env);
    onCleanup(() => runCommand({ ...composeDown(project, { volumes: true }), timeoutMs: 60_000 }).catch(() => undefined));
    await fx.mustRun(composeUp(project, ['reader', 'worker']));
    // Replaced by rename, as every write of migrate's is: the running container keeps the old file.
    await fs.writeFile(`${fx.envFile}.new`, 'OPENAI_BASE_URL=http://127.0.0.1:10/v1\nLLM_TARGET_WEIGHT=100\n');
    await fs.rename(`${fx.envFile}.new`, fx.envFile);
    const run = createRunner();

    const running = await readContainerViews(project, ['worker'], [fx.envFile], run);
    // worker is listed by name; reader only because it binds the env file.
    expect(running.map((v) => v.service)).toEqual(['reader', 'worker']);
    const reader = running[0]!;
    expect(reader.values).toMatchObject({ OPENAI_BASE_URL: 'http://127.0.0.1:9/v1', OPENAI_API_KEY: 'from-the-environment', LLM_TARGET_WEIGHT: '0' });
    expect(reader.from).toMatchObject({ OPENAI_BASE_URL: '/app/.env', OPENAI_API_KEY: 'env', LLM_TARGET_WEIGHT: '/app/.env' });
    expect(reader.mounts).toEqual([{ source: fx.envFile, destination: '/app/.env' }]);

    // A rollback reads the containers as its readiness wait last listed them, not listing again:
    // that listing carries everything the view needs (environment, binds, one-offs).
    let listed: ContainerInside[] | undefined;
    const wait = await waitForServices(project, ['worker'], { timeoutMs: 30_000, run, onListed: (c) => (listed = c) });
    expect(wait.ready).toBe(true);
    expect(await readContainerViews(project, ['worker'], [fx.envFile], run, listed)).toEqual(running);

    const id = (await containerIds(project, ['reader'])).reader![0]!;
    await fx.mustRun({ argv: ['docker', 'stop', '-t', '1', id], kind: 'write', timeoutMs: 30_000 });
    const [stopped] = await readContainerViews(project, [], [fx.envFile], run);
    // Through `docker cp`: a stopped container binds the path afresh when it starts, so it sees the new file.
    expect(stopped).toMatchObject({ service: 'reader', status: 'exited', values: { OPENAI_BASE_URL: 'http://127.0.0.1:10/v1', LLM_TARGET_WEIGHT: '100' } });
    expect(stopped!.mounts[0]!.error).toBeUndefined();
  }, 90_000);
});
