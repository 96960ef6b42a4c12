import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { composeDown } from '../../src/core/compose/commands.js';
import { composeProject, type ComposeProject } from '../../src/core/compose/project.js';
import { detectCompose } from '../../src/core/compose/detect.js';
import { type ComposeCli } from '../../src/core/compose/compose-cli.js';
import { runCommand } from './run.js';
import { type Command, type RunResult } from '../../src/core/exec/command.js';

/** Built by .ci/docker.sh with `docker import`; no registry is reachable, so nothing is pulled. */
export const TEST_IMAGE = 'migrate-busybox:latest';
const FIXTURE_DIR = fileURLToPath(new URL('../../fixtures/compose/', import.meta.url));

interface DockerStatus {
  available: boolean;
  reason?: string;
  compose?: ComposeCli;
}

let status: Promise<DockerStatus> | undefined;

/** Whether the docker tests can run here: a daemon that answers, the test image, and a Compose. */
export function dockerStatus(): Promise<DockerStatus> {
  status ??= probe();
  return status;
}

async function probe(): Promise<DockerStatus> {
  const info = await quietly({ argv: ['docker', 'info', '--format', '{{.ServerVersion}}'], kind: 'read', timeoutMs: 15_000 });
  if (info?.exitCode !== 0) return { available: false, reason: 'the docker daemon does not answer `docker info`' };
  const image = await quietly({ argv: ['docker', 'image', 'inspect', TEST_IMAGE], kind: 'read', timeoutMs: 15_000 });
  if (image?.exitCode !== 0) return { available: false, reason: `image ${TEST_IMAGE} is missing` };
  try {
    return { available: true, compose: await detectCompose({ processEnv: process.env }) };
  } catch (err) {
    return { available: false, reason: (err as Error).message };
  }
}

async function quietly(cmd: Command): Promise<RunResult | undefined> {
  return runCommand(cmd).catch(() => undefined);
}

/**
 * For `describe.skipIf(!(await dockerAvailable()))`. Outside CI a missing docker skips with a loud
 * warning; in CI (CI=true) it throws, failing the file, because a skipped rollback test is a lie.
 */
export async function dockerAvailable(): Promise<boolean> {
  const { available, reason } = await dockerStatus();
  if (available) return true;
  const message = `${reason}. Run \`bash .ci/docker.sh\` (as root) to set docker up.`;
  if (isCI()) throw new Error(`docker tests cannot run: ${message} CI must not skip them.`);
  console.warn(`\n${'!'.repeat(72)}\n!! SKIPPING DOCKER TESTS: ${message}\n${'!'.repeat(72)}\n`);
  return false;
}

/** Built by .ci/docker.sh from Debian's nginx (`docker import`), for gateway containers. */
export const NGINX_IMAGE = 'migrate-nginx:latest';

/** As dockerAvailable, and the nginx image too: skipped loudly outside CI, a failure in CI. */
export async function nginxImageAvailable(): Promise<boolean> {
  if (!(await dockerAvailable())) return false;
  const image = await quietly({ argv: ['docker', 'image', 'inspect', NGINX_IMAGE], kind: 'read', timeoutMs: 15_000 });
  if (image?.exitCode === 0) return true;
  const message = `image ${NGINX_IMAGE} is missing. Run \`bash .ci/docker.sh\` (as root) to build it.`;
  if (isCI()) throw new Error(`nginx container tests cannot run: ${message} CI must not skip them.`);
  console.warn(`\n${'!'.repeat(72)}\n!! SKIPPING NGINX CONTAINER TESTS: ${message}\n${'!'.repeat(72)}\n`);
  return false;
}

function isCI(): boolean {
  const ci = process.env.CI;
  return ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0';
}

/** A private copy of fixtures/compose with its own project name, torn down with `down -v`. */
export interface ComposeFixture {
  dir: string;
  envFile: string;
  projectName: string;
  project: ComposeProject;
  /** Rewrites the env file the services read (`env_file: .env.canary`). */
  writeEnv(vars: Record<string, string>): Promise<void>;
  /** Runs a command and fails with its stderr when it exits non-zero. */
  mustRun(cmd: Command): Promise<RunResult>;
  down(): Promise<void>;
}

export async function composeFixture(env: Record<string, string>): Promise<ComposeFixture> {
  const { compose } = await dockerStatus();
  if (!compose) throw new Error('composeFixture needs docker: check dockerAvailable() first');
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'migrate-compose-'));
  await fs.cp(FIXTURE_DIR, dir, { recursive: true });
  const projectName = `migrate-test-${process.pid}-${randomBytes(3).toString('hex')}`;
  const project = composeProject(compose, { files: ['docker-compose.yml'], projectName }, dir, process.env);
  const envFile = path.join(dir, '.env.canary');
  const fixture: ComposeFixture = {
    dir,
    envFile,
    projectName,
    project,
    writeEnv: (vars) =>
      fs.writeFile(
        envFile,
        Object.entries(vars)
          .map(([k, v]) => `${k}=${v}\n`)
          .join(''),
      ),
    mustRun: async (cmd) => {
      const result = await runCommand(cmd);
      if (result.exitCode !== 0) throw new Error(`${cmd.argv.join(' ')} failed (${result.exitCode}): ${result.stderr}`);
      return result;
    },
    down: async () => {
      await runCommand({ ...composeDown(project, { volumes: true }), timeoutMs: 60_000 }).catch(() => undefined);
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
  await fixture.writeEnv(env);
  return fixture;
}
