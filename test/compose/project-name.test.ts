import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { composeProjectName, normalizeProjectName } from '../../src/core/compose/project-name.js';
import type { ComposeProject } from '../../src/core/compose/project.js';
import { tempProject } from '../helpers/project.js';

// The name compose labels a project's containers with, worked out without running compose
// (the listing by label depends on it); checked against real compose in engine.test.ts.

async function project(name: string, files: Record<string, string>, extra: Partial<ComposeProject> = {}): Promise<ComposeProject> {
  const root = tempProject('migrate-pname-');
  const dir = path.join(root, name);
  await fs.mkdir(dir);
  for (const [file, text] of Object.entries(files)) await fs.writeFile(path.join(dir, file), text);
  return { cli: { flavor: 'v1', argv: ['docker-compose'], version: '1.29.2' }, files: [path.join(dir, 'docker-compose.yml')], cwd: dir, processEnv: {}, ...extra };
}

const SERVICES = 'services:\n  app: { image: x }\n';

// The environment is the project's (the Context's processEnv), never this process's.
const nameIn = (p: ComposeProject, processEnv: NodeJS.ProcessEnv) => composeProjectName({ ...p, processEnv });

describe('composeProjectName', () => {
  it('the directory name, lowercased, keeping only [a-z0-9_-]', async () => {
    expect(await nameIn(await project('My.Shop App', { 'docker-compose.yml': SERVICES }), {})).toBe('myshopapp');
    expect(normalizeProjectName('_-Shop')).toBe('shop');
  });

  it('compose.projectName (-p) wins over everything', async () => {
    const p = await project('dir', { 'docker-compose.yml': `name: fromfile\n${SERVICES}`, '.env': 'COMPOSE_PROJECT_NAME=fromdotenv\n' }, { projectName: 'Shop' });
    expect(await nameIn(p, { COMPOSE_PROJECT_NAME: 'fromenv' })).toBe('shop');
  });

  it('then COMPOSE_PROJECT_NAME from the environment, then from the project .env, then a top-level name:', async () => {
    const files = { 'docker-compose.yml': `name: "fromfile"\n${SERVICES}`, '.env': '# the project\nCOMPOSE_PROJECT_NAME=fromdotenv\n' };
    expect(await nameIn(await project('dir', files), { COMPOSE_PROJECT_NAME: 'fromenv' })).toBe('fromenv');
    expect(await nameIn(await project('dir', files), {})).toBe('fromdotenv');
    expect(await nameIn(await project('dir', { 'docker-compose.yml': `name: "fromfile"\n${SERVICES}` }), {})).toBe('fromfile');
  });

  it("--project-directory, not the file's directory, names the project and holds the .env", async () => {
    const p = await project('files', { 'docker-compose.yml': SERVICES });
    const other = path.join(path.dirname(p.cwd), 'Elsewhere');
    await fs.mkdir(other);
    expect(await nameIn({ ...p, projectDirectory: other }, {})).toBe('elsewhere');
  });
});
