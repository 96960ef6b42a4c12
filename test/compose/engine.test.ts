import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { composeDown, composePs, composeUp } from '../../src/core/compose/commands.js';
import { type ComposeProject } from '../../src/core/compose/project.js';
import { containerEnv, parsePsIds, projectContainersInside, serviceContainers } from '../../src/core/compose/containers.js';
import { waitForServices } from '../../src/core/compose/wait.js';
import { engineSocket } from '../../src/core/compose/engine.js';
import { dockerInspect, parseInspect } from '../../src/core/compose/docker.js';
import { CommandFailedError } from '../../src/core/exec/errors.js';
import { runCommand } from '../helpers/run.js';
import { type Command, type Runner } from '../../src/core/exec/command.js';
import { composeFixture, dockerAvailable, type ComposeFixture } from '../helpers/docker.js';
import { startFakeProvider, type FakeProvider } from '../helpers/fake-provider.js';
import { onCleanup, tempProject } from '../helpers/project.js';

const KEY = 'sk-engine-test-0001';

// Containers are listed and inspected through the Docker Engine API on its unix socket; when only
// the docker CLI knows the way (a docker context, a tcp:// DOCKER_HOST) or the socket does not
// answer, through `docker ps --filter label=…` and `docker inspect`. Both must give exactly what
// `compose ps` + `docker inspect` give on the same real project. The CLI path is forced with a
// docker context (in a private DOCKER_CONFIG) naming the same daemon, so both paths see it.

const available = await dockerAvailable();

/** runCommand, recording every command it is asked to run. */
function recording(): { run: Runner; argvs: string[][] } {
  const argvs: string[][] = [];
  return { argvs, run: (cmd: Command) => (argvs.push(cmd.argv), runCommand(cmd)) };
}

/** The answer of the old path: `compose ps` (authoritative, slow), then `docker inspect`. */
async function viaComposeProject(project: ComposeProject, services: string[]) {
  const must = async (cmd: Command) => {
    const r = await runCommand(cmd);
    if (r.exitCode !== 0) throw new Error(`${cmd.argv.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  return parseInspect(await must(dockerInspect(parsePsIds(project.cli.flavor, await must(composePs(project, services))))));
}
const viaComposePs = (fx: ComposeFixture, services: string[]) => viaComposeProject(fx.project, services);

const MISSING = `unix://${path.join(os.tmpdir(), 'migrate-no-such-docker.sock')}`;
const VARS = ['DOCKER_HOST', 'DOCKER_CONFIG', 'DOCKER_CONTEXT'] as const;
const saved = Object.fromEntries(VARS.map((v) => [v, process.env[v]]));
afterEach(() => {
  for (const v of VARS) {
    if (saved[v] === undefined) delete process.env[v];
    else process.env[v] = saved[v];
  }
});

let dockerConfig: string;
/** From here on, this process and the docker CLI it runs reach the daemon through a context. */
function throughContext(): void {
  process.env.DOCKER_CONFIG = dockerConfig;
  process.env.DOCKER_CONTEXT = 'migrate-cli-test';
}

const byId = <T extends { id: string }>(xs: T[]) => [...xs].sort((a, b) => a.id.localeCompare(b.id));
// startedAt and health's last output move between two reads of a running container; the rest must not.
const stable = (cs: Awaited<ReturnType<typeof serviceContainers>>) =>
  byId(cs).map(({ id, name, service, status, exitCode, restartPolicy }) => ({ id, name, service, status, exitCode, restartPolicy }));

describe.skipIf(!available)('container listing through the Engine API, and the docker CLI when its socket is unreachable', () => {
  let fx: ComposeFixture;
  let provider: FakeProvider;

  beforeAll(async () => {
    provider = await startFakeProvider({ name: 'legacy', apiKey: KEY });
    fx = await composeFixture({ OPENAI_BASE_URL: provider.url, OPENAI_API_KEY: KEY }); // the app is healthy once it reached it
    await fx.mustRun(composeUp(fx.project, ['app', 'worker', 'crasher']));
    dockerConfig = tempProject('migrate-docker-config-');
    const socket = engineSocket(process.env) ?? '/var/run/docker.sock';
    await fx.mustRun({ argv: ['docker', 'context', 'create', 'migrate-cli-test', '--docker', `host=unix://${socket}`], env: { DOCKER_CONFIG: dockerConfig }, kind: 'write' });
  }, 120_000);
  afterAll(async () => {
    await fx?.down();
    await provider?.close();
  });

  it("lists the services' containers by project label without running any command, as compose ps does", async () => {
    const { run, argvs } = recording();
    const engine = await serviceContainers(fx.project, ['app', 'worker'], run);
    expect(argvs).toEqual([]); // the socket answered: no docker or compose process started
    expect(engine.map((c) => c.service).sort()).toEqual(['app', 'worker']);
    expect(stable(engine)).toEqual(stable(await viaComposePs(fx, ['app', 'worker'])));
  });

  it('through a docker context: the same answer from `docker ps --filter label=…` and `docker inspect`', async () => {
    const engine = await serviceContainers(fx.project, ['app', 'worker', 'crasher']);
    throughContext();
    const { run, argvs } = recording();
    const cli = await serviceContainers(fx.project, ['app', 'worker', 'crasher'], run);
    expect(argvs[0]).toEqual(['docker', 'ps', '--all', '--quiet', '--no-trunc', '--filter', `label=com.docker.compose.project=${fx.projectName}`]);
    expect(argvs[1]?.slice(0, 2)).toEqual(['docker', 'inspect']);
    expect(stable(cli)).toEqual(stable(engine));
    expect(cli.find((c) => c.service === 'crasher')).toMatchObject({ status: 'exited', exitCode: 3 });
  });

  it('readiness is the same on both paths: app healthy and worker running are ready, crasher failed for good', async () => {
    const wait = (services: string[]) => waitForServices(fx.project, services, { timeoutMs: 30_000, intervalMs: 100 });
    const ready = await wait(['app', 'worker']);
    const crashed = await wait(['crasher']);
    expect(ready.ready).toBe(true);
    expect(ready.services.find((s) => s.service === 'app')?.containers[0]?.health?.status).toBe('healthy');
    expect(crashed).toMatchObject({ ready: false, timedOut: false, services: [{ service: 'crasher', failed: true, reason: 'exited with code 3' }] });

    throughContext();
    const readyCli = await wait(['app', 'worker']);
    const crashedCli = await wait(['crasher']);
    expect(readyCli.ready).toBe(true);
    expect(readyCli.services.map((s) => [s.service, s.ready, s.reason])).toEqual(ready.services.map((s) => [s.service, s.ready, s.reason]));
    expect(crashedCli.services.map((s) => [s.service, s.failed, s.reason])).toEqual(crashed.services.map((s) => [s.service, s.failed, s.reason]));
  }, 60_000);

  it('what the containers hold (environment, bind mounts) is the same on both paths', async () => {
    const engine = await projectContainersInside(fx.project);
    const appId = engine.find((c) => c.state.service === 'app')!.state.id;
    const env = await containerEnv(appId, process.env);
    throughContext();
    const cli = await projectContainersInside(fx.project);
    const view = (xs: typeof engine) => byId(xs.map((c) => ({ id: c.state.id, env: c.env, binds: c.binds, oneOff: c.oneOff })));
    expect(view(cli)).toEqual(view(engine));
    expect(await containerEnv(appId, process.env)).toEqual(env);
    expect(env).toMatchObject({ OPENAI_API_KEY: KEY });
    expect(engine.find((c) => c.state.service === 'app')!.binds).toEqual([{ source: path.join(fx.dir, 'send.sh'), destination: '/send.sh' }]);
  });

  it('DOCKER_HOST naming a missing socket: the docker CLI is asked, and its failure names the command to run', async () => {
    process.env.DOCKER_HOST = MISSING;
    const { run, argvs } = recording();
    const err = (await serviceContainers(fx.project, ['app'], run).catch((e: unknown) => e)) as Error;
    expect(argvs).toEqual([['docker', 'ps', '--all', '--quiet', '--no-trunc', '--filter', `label=com.docker.compose.project=${fx.projectName}`]]);
    expect(err).toBeInstanceOf(CommandFailedError);
    expect(err.message).toContain(`\`docker ps --all --quiet --no-trunc --filter label=com.docker.compose.project=${fx.projectName}\` exited with code 1`);
  });

  it("the project's injected environment decides, not this process's: DOCKER_HOST and COMPOSE_PROJECT_NAME", async () => {
    // process.env is left alone: only the project's processEnv (the Context's, in the CLI) names the socket and the project.
    const missing = recording();
    const viaCli = await serviceContainers({ ...fx.project, processEnv: { ...process.env, DOCKER_HOST: MISSING } }, ['app'], missing.run);
    expect(missing.argvs[0]?.slice(0, 2)).toEqual(['docker', 'ps']); // the socket it names is unreachable: the CLI (which reaches the daemon) is asked
    expect(viaCli.map((c) => c.service)).toEqual(['app']);
    // The docker CLI itself runs in that environment too (the default runner is bound to it), so it is aimed at the same missing socket.
    const aimed = await serviceContainers({ ...fx.project, processEnv: { ...process.env, DOCKER_HOST: MISSING } }, ['app']).catch((e: unknown) => e);
    expect(aimed).toBeInstanceOf(CommandFailedError);
    expect((aimed as Error).message).toContain('`docker ps --all --quiet --no-trunc');

    const unnamed = { ...fx.project, projectName: undefined }; // the directory's name is not the project's
    const named = recording();
    const found = await serviceContainers({ ...unnamed, processEnv: { ...process.env, COMPOSE_PROJECT_NAME: fx.projectName } }, ['app'], named.run);
    expect(named.argvs).toEqual([]); // found by label under the injected name
    expect(found.map((c) => c.id)).toEqual(viaCli.map((c) => c.id));
    expect(await serviceContainers({ ...unnamed, processEnv: {} }, ['app'])).toEqual([]);
  }, 60_000);

  it('without compose.projectName, finds the containers under the name compose derives from the directory', async () => {
    // Upper case, a space and a dot: compose lowercases and drops them ("Migrate Engine.x1" -> "migrateenginex1").
    const dir = tempProject('Migrate Engine.');
    await fs.cp(fx.dir, dir, { recursive: true });
    const project = { ...fx.project, files: [path.join(dir, 'docker-compose.yml')], projectName: undefined, cwd: dir };
    // Registered after the directory's removal, so it runs first: compose needs the files to go down.
    onCleanup(() => runCommand({ ...composeDown(project, { volumes: true }), timeoutMs: 60_000 }).catch(() => undefined));
    await fx.mustRun(composeUp(project, ['worker']));
    const { run, argvs } = recording();
    const found = await serviceContainers(project, ['worker'], run);
    expect(argvs).toEqual([]);
    expect(found).toHaveLength(1);
    expect(found[0]!.id).toBe((await viaComposeProject(project, ['worker']))[0]!.id);
  }, 60_000);
});

describe('engineSocket: the socket the docker CLI would use', () => {
  it('the default socket, a unix:// DOCKER_HOST, and none (CLI only) for tcp:// or a docker context', () => {
    const home = { HOME: '/nonexistent', DOCKER_CONFIG: '/nonexistent' };
    expect(engineSocket({ ...home })).toBe('/var/run/docker.sock');
    expect(engineSocket({ ...home, DOCKER_HOST: 'unix:///run/user/1000/docker.sock' })).toBe('/run/user/1000/docker.sock');
    expect(engineSocket({ ...home, DOCKER_HOST: 'tcp://10.0.0.5:2376' })).toBeUndefined();
    expect(engineSocket({ ...home, DOCKER_CONTEXT: 'remote' })).toBeUndefined();
  });

  it('a current context in the docker config file means the CLI decides', async () => {
    const dir = tempProject('migrate-docker-config-');
    await fs.writeFile(path.join(dir, 'config.json'), JSON.stringify({ currentContext: 'colima' }));
    expect(engineSocket({ DOCKER_CONFIG: dir })).toBeUndefined();
    await fs.writeFile(path.join(dir, 'config.json'), JSON.stringify({ currentContext: 'default' }));
    expect(engineSocket({ DOCKER_CONFIG: dir })).toBe('/var/run/docker.sock');
  });
});
