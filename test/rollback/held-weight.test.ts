// A rollback that wrote no file skips the recreate only when the containers hold the restored
// files. A variable migrate writes (here the env driver's weight) that the restored file does not
// set at all must not be left in a container either: the app would keep splitting to target.
// Real docker-compose v1 (fixtures/compose), two fake providers on loopback.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { composeUp } from '../../src/core/compose/commands.js';
import { containerEnv, containerIds } from '../../src/core/compose/containers.js';
import { composeFixture, dockerAvailable } from '../helpers/docker.js';
import { expectNoKeys } from '../apps/rig.js';
import { configYaml, LEGACY_KEY, migrate, onCleanup, providers, TARGET_KEY } from '../ramp/helpers.js';

const available = await dockerAvailable();

describe.skipIf(!available)('rollback with no file to write, real compose', () => {
  it('recreates a container that holds the weight when the restored file sets none (copied back by hand after a 20 % stage)', { timeout: 120_000 }, async () => {
    const { legacy, target } = await providers();
    const fx = await composeFixture({ OPENAI_BASE_URL: legacy.url, OPENAI_API_KEY: LEGACY_KEY });
    onCleanup(() => fx.down());
    await fs.writeFile(
      path.join(fx.dir, 'migrate.yaml'),
      configYaml({
        legacyUrl: legacy.url,
        targetUrl: target.url,
        environments: [
          '  canary:',
          '    envFiles: [.env.canary]',
          `    compose: { files: [docker-compose.yml], services: [worker], projectName: ${fx.projectName} }`,
          '    traffic: { driver: env, weightKey: LLM_TARGET_WEIGHT }',
          `    cutover: { OPENAI_BASE_URL: "${target.url}", OPENAI_API_KEY: "\${TARGET_KEY}" }`,
        ],
      }),
    );
    const legacyEnv = await fs.readFile(fx.envFile);
    await fx.mustRun(composeUp(fx.project, ['worker']));
    expect((await migrate(fx.dir, ['backup', '--env', 'canary'])).code).toBe(0);

    // What stage 20 % did (the weight added to the file, the worker recreated); then the backup copied back by hand.
    await fs.appendFile(fx.envFile, 'LLM_TARGET_WEIGHT=20\n');
    await fx.mustRun(composeUp(fx.project, ['worker']));
    const [at20] = (await containerIds(fx.project, ['worker'])).worker!;
    expect(await containerEnv(at20!, process.env)).toMatchObject({ LLM_TARGET_WEIGHT: '20' });
    await fs.writeFile(fx.envFile, legacyEnv);

    const rollback = await migrate(fx.dir, ['rollback', '--env', 'canary', '--yes']);
    expect(rollback.code, rollback.stdout + rollback.stderr).toBe(0);
    expect(rollback.stderr).toContain(`not every container holds them: worker (${at20!.slice(0, 12)}): LLM_TARGET_WEIGHT set, but the restored files do not set it`);
    const [after] = (await containerIds(fx.project, ['worker'])).worker!;
    expect(after).not.toBe(at20);
    expect(await containerEnv(after!, process.env)).not.toHaveProperty('LLM_TARGET_WEIGHT');
    expectNoKeys(rollback);
  });
});
