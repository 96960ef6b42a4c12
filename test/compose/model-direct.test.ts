// The rollback reads plain compose files itself instead of waiting on `compose config` (v1 takes
// about half a second to start). It may only do so where it gives compose's own answer: each
// real-app layout and the test stack, read both ways, must give the same model.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { composeProject, type ComposeProject } from '../../src/core/compose/project.js';
import { loadComposeModel, readModelDirect } from '../../src/core/compose/model.js';
import { dockerStatus } from '../helpers/docker.js';
import { tempProject } from '../helpers/project.js';

const { compose } = await dockerStatus();
const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures');

async function copy(fixture: string, extra: Record<string, string> = {}): Promise<ComposeProject> {
  const dir = tempProject('migrate-model-direct-');
  await fs.cp(path.join(FIXTURES, fixture), dir, { recursive: true });
  await fs.writeFile(path.join(dir, '.env'), 'OPENAI_API_KEY=sk-model-direct-0001\n');
  for (const [file, text] of Object.entries(extra)) await fs.writeFile(path.join(dir, file), text);
  const files = ['docker-compose.yml', ...Object.keys(extra).filter((f) => f.endsWith('.yml'))];
  return composeProject(compose!, { files, projectName: 'direct' }, dir, process.env);
}

describe.skipIf(!compose)("the compose model read from the files equals compose config's", () => {
  const layouts = ['apps/compose-librechat', 'apps/compose-open-webui', 'apps/compose-anythingllm', 'compose'];
  for (const layout of layouts) {
    it(`${layout}: the same services, env files, file mounts, variables and network modes`, async () => {
      const project = await copy(layout);
      const direct = await readModelDirect(project);
      expect(direct).toBeDefined();
      expect(direct).toEqual(await loadComposeModel(project));
    });
  }

  it('an override file replacing a bind mount by its target and adding a service: merged as compose merges', async () => {
    const override =
      'services:\n  app:\n    volumes:\n      - ./send2.sh:/send.sh:ro\n      - ./.env.canary:/app/.env\n    network_mode: none\n  extra:\n    image: migrate-busybox:latest\n';
    const project = await copy('compose', { 'docker-compose.override.yml': override, 'send2.sh': 'echo\n', '.env.canary': 'A=1\n' });
    const dir = path.dirname(project.files[0]!);
    const direct = await readModelDirect(project);
    expect(direct?.services.map((s) => s.name)).toEqual(['app', 'crasher', 'extra', 'worker']);
    expect(direct?.services.find((s) => s.name === 'app')?.fileMounts).toEqual([
      { source: path.join(dir, '.env.canary'), target: '/app/.env' },
      { source: path.join(dir, 'send2.sh'), target: '/send.sh' },
    ]);
    expect(direct).toEqual(await loadComposeModel(project));
  });

  it('leaves to compose config what only compose reads exactly: ${VAR} in a volume, extends, a top-level name:', async () => {
    const cases = [
      'services:\n  app:\n    image: x\n    volumes: ["${DATA:-./data}:/data"]\n',
      'services:\n  app:\n    extends: { file: base.yml, service: base }\n',
      'name: shop\nservices:\n  app:\n    image: x\n',
      'services: [app]\n',
      'services:\n  app: {\n',
    ];
    for (const text of cases) {
      const project = await copy('compose', { 'docker-compose.yml': text });
      expect(await readModelDirect(project), text).toBeUndefined();
    }
  });
});
