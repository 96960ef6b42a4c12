import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { composeDown, composeProject, composeUp, containerIds, type ComposeProject } from '../../src/core/compose/index.js';
import { runCommand } from '../../src/core/exec/index.js';
import { dockerStatus } from './docker.js';

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
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), `migrate-${name}-`));
  await fs.cp(path.join(APPS, name), dir, { recursive: true });
  const projectName = `migrate-app-${process.pid}-${randomBytes(3).toString('hex')}`;
  const project = composeProject(compose, { files: ['docker-compose.yml'], projectName }, dir);
  const envFile = path.join(dir, '.env');
  await fs.writeFile(envFile, Object.entries(env).map(([k, v]) => `${k}=${v}\n`).join(''), { mode: 0o600 });
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
