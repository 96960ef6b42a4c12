import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { composeDown, composeUp } from '../../src/core/compose/commands.js';
import { composeProject, type ComposeProject } from '../../src/core/compose/project.js';
import { containerIds } from '../../src/core/compose/containers.js';
import { setKeys } from '../../src/core/envfile/edit.js';
import { parse, print } from '../../src/core/envfile/parse.js';
import { runCommand } from './run.js';
import { dockerStatus } from './docker.js';
import { tempProject } from './project.js';

const APPS = fileURLToPath(new URL('../../fixtures/apps/', import.meta.url));

/** A private copy of fixtures/apps/<name> (a real app's compose layout) with its own project name. */
export interface AppFixture {
  dir: string;
  /** The project .env the app reads (env_file, bind mount, ${VAR}). */
  envFile: string;
  projectName: string;
  project: ComposeProject;
  /** Starts every service of the layout. */
  up(): Promise<void>;
  /** Container id per service (exactly one each). */
  ids(): Promise<Record<string, string>>;
  /** A file as the service's container sees it. */
  catIn(service: string, file: string): Promise<string>;
  down(): Promise<void>;
}

export async function appFixture(name: string, env: Record<string, string>): Promise<AppFixture> {
  const { compose } = await dockerStatus();
  if (!compose) throw new Error('appFixture needs docker: check dockerAvailable() first');
  const dir = tempProject(`migrate-${name}-`); // down() removes it too, after compose down
  await fs.cp(path.join(APPS, name), dir, { recursive: true });
  const projectName = `migrate-app-${process.pid}-${randomBytes(3).toString('hex')}`;
  const project = composeProject(compose, { files: ['docker-compose.yml'], projectName }, dir, process.env);
  const envFile = path.join(dir, '.env');
  await fs.writeFile(
    envFile,
    Object.entries(env)
      .map(([k, v]) => `${k}=${v}\n`)
      .join(''),
    { mode: 0o600 },
  );
  const must = async (argv: string[], cwd = dir) => {
    const r = await runCommand({ argv, cwd, kind: 'write', timeoutMs: 120_000 });
    if (r.exitCode !== 0) throw new Error(`${argv.join(' ')} failed (${r.exitCode}): ${r.stderr}`);
    return r.stdout;
  };
  const services = async () => (await must([...project.cli.argv, '-f', project.files[0]!, 'config', '--services'])).trim().split('\n');
  return {
    dir,
    envFile,
    projectName,
    project,
    up: async () => {
      await must(composeUp(project, await services()).argv);
    },
    ids: async () => {
      const byService = await containerIds(project, await services());
      return Object.fromEntries(Object.entries(byService).map(([s, ids]) => [s, ids.length === 1 ? ids[0]! : `${ids.length} containers`]));
    },
    catIn: async (service, file) => must(['docker', 'exec', (await containerIds(project, [service]))[service]![0]!, 'cat', file]),
    down: async () => {
      await runCommand({ ...composeDown(project, { volumes: true }), timeoutMs: 60_000 }).catch(() => undefined);
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

/** A copy of fixtures/apps/<name> run as its user would: the project's own name (from its folder), its own .env. */
export interface RealApp {
  dir: string;
  envFile: string;
  /** No projectName: compose derives it from the folder, as for a person and for migrate. */
  project: ComposeProject;
  services: string[];
  up(): Promise<void>;
  /** Container id per service (exactly one each). */
  ids(): Promise<Record<string, string>>;
  down(): Promise<void>;
}

/**
 * The fixture with its .env (or .env.example when it ships none) and `values` set in it
 * format-preserving, as a user's app points at its provider today.
 */
export async function realApp(name: string, values: Record<string, string>): Promise<RealApp> {
  const { compose } = await dockerStatus();
  if (!compose) throw new Error('realApp needs docker: check dockerAvailable() first');
  const dir = tempProject(`migrate-${name}-`); // down() removes it too, after compose down
  await fs.cp(path.join(APPS, name), dir, { recursive: true });
  const envFile = path.join(dir, '.env');
  const text = await fs.readFile(envFile, 'utf8').catch(() => fs.readFile(path.join(dir, '.env.example'), 'utf8'));
  await fs.writeFile(envFile, print(setKeys(parse(text), values)), { mode: 0o600 });
  await fs.chmod(envFile, 0o600);
  const project = composeProject(compose, { files: ['docker-compose.yml'] }, dir, process.env);
  const config = await runCommand({ argv: [...project.cli.argv, '-f', project.files[0]!, 'config', '--services'], cwd: dir, kind: 'read', timeoutMs: 60_000 });
  if (config.exitCode !== 0) throw new Error(`compose config failed: ${config.stderr}`);
  const services = config.stdout.trim().split('\n');
  return {
    dir,
    envFile,
    project,
    services,
    up: async () => {
      const r = await runCommand({ ...composeUp(project, services), timeoutMs: 120_000 });
      if (r.exitCode !== 0) throw new Error(`compose up failed (${r.exitCode}): ${r.stderr}`);
    },
    ids: async () => {
      const byService = await containerIds(project, services);
      return Object.fromEntries(Object.entries(byService).map(([s, ids]) => [s, ids.length === 1 ? ids[0]! : `${ids.length} containers`]));
    },
    down: async () => {
      await runCommand({ ...composeDown(project, { volumes: true }), timeoutMs: 60_000 }).catch(() => undefined);
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}
