// The compose model as the real Compose (Debian's docker-compose v1) reads the fixtures modeled
// on real apps: which services read an env file, through what, and which must be left running.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bindMountsOf, consumersOf } from '../../src/core/compose/consumers.js';
import { composeErrorLine } from '../../src/core/compose/config-error.js';
import { leftOut, loadEnvironmentCompose, servicesToRecreate, type ComposeTarget } from '../../src/core/compose/environment.js';
import { loadComposeModel } from '../../src/core/compose/model.js';
import { UsageError } from '../../src/errors.js';
import type { Command, Runner } from '../../src/core/exec/command.js';
import { createRunner } from '../helpers/run.js';
import { stubRunner } from '../helpers/stub-runner.js';
import { appFixture, type AppFixture } from '../helpers/apps.js';
import { dockerAvailable } from '../helpers/docker.js';
import { tempProject } from '../helpers/project.js';

const available = await dockerAvailable();
const fixtures: AppFixture[] = [];
afterEach(async () => {
  for (const fx of fixtures.splice(0)) await fx.down();
});

async function app(name: string, env: Record<string, string> = { OPENAI_API_KEY: 'sk-test-0123456789abcdef' }): Promise<AppFixture> {
  const fx = await appFixture(name, env);
  fixtures.push(fx);
  return fx;
}

/** A runner that records the commands it runs. */
function recording(): Runner & { ran: Command[] } {
  const inner = createRunner();
  const ran: Command[] = [];
  return Object.assign((cmd: Command) => (ran.push(cmd), inner(cmd)), { ran });
}

function target(fx: AppFixture, compose: Partial<ComposeTarget['envConfig']['compose']> = {}): ComposeTarget {
  return {
    environment: 'prod',
    configDir: fx.dir,
    processEnv: process.env,
    at: (keys) => `migrate.yaml:7 (${keys.length} keys)`,
    envConfig: {
      envFiles: ['.env'],
      traffic: { driver: 'env', weightKey: 'LLM_TARGET_WEIGHT' },
      cutover: { OPENAI_API_BASE_URL: 'x', OPENAI_API_KEY: 'y' },
      modelVariables: [],
      compose: { files: ['docker-compose.yml'], projectName: fx.projectName, command: 'auto', healthTimeout: 60_000, alsoRecreate: [], ...compose },
    },
  };
}

describe.skipIf(!available)('the compose model of real-app layouts', () => {
  it('LibreChat: api reads .env through a single-file bind mount, rag_api through env_file; mongodb reads nothing', async () => {
    const fx = await app('compose-librechat');
    const model = await loadComposeModel(fx.project);
    const api = model.services.find((s) => s.name === 'api')!;
    expect(api.envFiles).toEqual([]);
    expect(api.fileMounts).toEqual([
      { source: fx.envFile, target: '/app/.env' },
      { source: path.join(fx.dir, 'librechat.yaml'), target: '/app/librechat.yaml' },
    ]);
    expect(model.services.find((s) => s.name === 'rag_api')).toMatchObject({ envFiles: [fx.envFile], fileMounts: [] });
    expect(model.services.find((s) => s.name === 'mongodb')).toMatchObject({ envFiles: [], fileMounts: [] });
    expect(bindMountsOf(model, fx.envFile)).toEqual([{ service: 'api', containerPath: '/app/.env' }]);
    expect(consumersOf(model, { files: [fx.envFile], variables: ['OPENAI_API_KEY'] })).toEqual(['api', 'rag_api']);
    expect(consumersOf(model, { files: [path.join(fx.dir, 'librechat.yaml')], variables: [] })).toEqual(['api']);
  }, 30_000);

  it('Open WebUI: open-webui substitutes ${OPENAI_API_BASE_URL} from the project .env; ollama substitutes only its image tag', async () => {
    const fx = await app('compose-open-webui', { OPENAI_API_BASE_URL: 'http://127.0.0.1:9/v1', OPENAI_API_KEY: 'sk-test-0123456789abcdef' });
    const model = await loadComposeModel(fx.project);
    expect(model.projectEnvFile).toBe(fx.envFile);
    expect(model.services.find((s) => s.name === 'open-webui')).toMatchObject({ envFiles: [], fileMounts: [] });
    expect(consumersOf(model, { files: [fx.envFile], variables: ['OPENAI_API_BASE_URL', 'OPENAI_API_KEY'] })).toEqual(['open-webui']);
    expect(consumersOf(model, { files: [fx.envFile], variables: ['LLM_TARGET_WEIGHT'] })).toEqual([]);
    expect(consumersOf(model, { files: [fx.envFile], variables: ['OLLAMA_DOCKER_TAG'] })).toEqual(['ollama']);
    // The same variable in another env file is not what compose substitutes from.
    expect(consumersOf(model, { files: [path.join(fx.dir, '.env.canary')], variables: ['OPENAI_API_BASE_URL'] })).toEqual([]);
    expect(bindMountsOf(model, fx.envFile)).toEqual([]);
  }, 30_000);

  it('AnythingLLM: the .env short-syntax bind mount is a file mount; the storage directory is not', async () => {
    const fx = await app('compose-anythingllm');
    const model = await loadComposeModel(fx.project);
    expect(model.services).toEqual([
      { name: 'anything-llm', envFiles: [fx.envFile], fileMounts: [{ source: fx.envFile, target: '/app/server/.env' }], variables: [], networkMode: 'host' },
    ]);
  }, 30_000);

  it('compose.services unset: the derived consumers; set: exactly those, and the consumers it leaves out are named; alsoRecreate adds', async () => {
    const fx = await app('compose-librechat');
    const model = await loadComposeModel(fx.project);
    const change = { files: [fx.envFile], variables: ['OPENAI_API_KEY'] };
    expect(servicesToRecreate(model, target(fx).envConfig, change)).toEqual(['api', 'rag_api']);
    expect(servicesToRecreate(model, target(fx, { services: ['rag_api'] }).envConfig, change)).toEqual(['rag_api']);
    expect(leftOut(model, target(fx, { services: ['rag_api'] }).envConfig, change)).toEqual(['api']);
    expect(servicesToRecreate(model, target(fx, { alsoRecreate: ['mongodb'] }).envConfig, change)).toEqual(['api', 'rag_api', 'mongodb']);
    expect(leftOut(model, target(fx, { alsoRecreate: ['mongodb'] }).envConfig, change)).toEqual([]);
  }, 30_000);

  it('one `compose config` per command run, however often the model is asked for', async () => {
    const fx = await app('compose-anythingllm');
    const run = recording();
    await loadEnvironmentCompose(target(fx), run);
    await loadEnvironmentCompose(target(fx), run);
    await loadComposeModel(fx.project, run);
    expect(run.ran.filter((c) => c.argv.includes('config')).map((c) => c.argv.slice(-1))).toEqual([['config']]);
  }, 30_000);

  it('a service migrate.yaml names that the compose files do not define: exit 2 naming the key, the service and the ones that exist', async () => {
    const fx = await app('compose-librechat');
    const err = await loadEnvironmentCompose(target(fx, { services: ['api', 'mongdb'] }), createRunner()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).exitCode).toBe(2);
    expect((err as UsageError).message).toBe('migrate.yaml:7 (5 keys) environments.prod.compose.services[1]: no service "mongdb" in docker-compose.yml (did you mean "mongodb"?)');
    expect((err as UsageError).hint).toBe('docker-compose.yml defines: api, mongodb, rag_api; nothing was changed');
  }, 30_000);

  it("a top-level `name:` under Compose v1: exit 2 with v1's own reason, the file, and what to do", async () => {
    const fx = await app('compose-librechat');
    const file = path.join(fx.dir, 'docker-compose.yml');
    await fs.writeFile(file, `name: librechat\n${await fs.readFile(file, 'utf8')}`);
    const err = (await loadComposeModel(fx.project).catch((e: unknown) => e)) as UsageError;
    expect(err).toBeInstanceOf(UsageError);
    expect(err.exitCode).toBe(2);
    expect(err.message).toBe(`docker-compose cannot use docker-compose.yml: 'name' does not match any of the regexes: '^x-'`);
    expect(err.hint).toContain('Compose v1 has no top-level `name:`: remove it and set compose.projectName in migrate.yaml');
  }, 30_000);
});

describe('composeErrorLine', () => {
  it('picks the reason, not the advice paragraph v1 ends with nor an unset-variable warning', () => {
    const v1 = [
      'The W variable is not set. Defaulting to a blank string.',
      "The Compose file './docker-compose.yml' is invalid because:",
      "'name' does not match any of the regexes: '^x-'",
      '',
      "You might be seeing this error because you're using the wrong Compose file version.",
      'For more on the Compose file format versions, see https://docs.docker.com/compose/compose-file/',
    ].join('\n');
    expect(composeErrorLine(v1)).toBe("'name' does not match any of the regexes: '^x-'");
    expect(composeErrorLine("The Compose file './bad.yml' is invalid because:\nUnsupported config option for services.app: 'foo'\n")).toBe(
      "Unsupported config option for services.app: 'foo'",
    );
    expect(composeErrorLine(".FileNotFoundError: [Errno 2] No such file or directory: './x.yml'\n")).toBe("FileNotFoundError: [Errno 2] No such file or directory: './x.yml'");
    expect(composeErrorLine("validating /srv/app/compose.yml: services.app additional properties 'foo' not allowed\n")).toBe(
      "validating /srv/app/compose.yml: services.app additional properties 'foo' not allowed",
    );
    expect(composeErrorLine("ERROR: Couldn't find env file: /srv/app/.env.prod\n")).toBe("ERROR: Couldn't find env file: /srv/app/.env.prod");
  });
});

describe('the compose model from Compose v2 (only v1 runs here: its `config --format json` answer is stubbed)', () => {
  it('reads long-syntax bind mounts from the JSON and env_file from the files as written', async () => {
    const dir = tempProject('migrate-v2-model-');
    await fs.writeFile(path.join(dir, 'compose.yaml'), 'name: app\nservices:\n  api:\n    env_file: [{ path: .env, required: true }]\n  ollama:\n    image: ollama\n');
    await fs.writeFile(path.join(dir, '.env'), 'OPENAI_API_KEY=x\n');
    const json = {
      name: 'app',
      services: {
        api: {
          volumes: [
            { type: 'bind', source: path.join(dir, '.env'), target: '/app/.env', bind: {} },
            { type: 'volume', source: 'data', target: '/data' },
          ],
        },
        ollama: { volumes: [{ type: 'bind', source: dir, target: '/srv' }] },
      },
    };
    const run = stubRunner().stub(['docker', 'compose', '-f', path.join(dir, 'compose.yaml'), 'config', '--format', 'json'], { stdout: JSON.stringify(json) });
    const project = { cli: { flavor: 'v2' as const, argv: ['docker', 'compose'], version: '2.27.0' }, files: [path.join(dir, 'compose.yaml')], cwd: dir, processEnv: {} };
    const model = await loadComposeModel(project, run);
    expect(run.ran).toHaveLength(1);
    expect(model.services).toEqual([
      { name: 'api', envFiles: [path.join(dir, '.env')], fileMounts: [{ source: path.join(dir, '.env'), target: '/app/.env' }], variables: [] },
      { name: 'ollama', envFiles: [], fileMounts: [], variables: [] },
    ]);
  });
});
