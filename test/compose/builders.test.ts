import { describe, expect, it } from 'vitest';
import { composeDown, composeExec, composePs, composeUp } from '../../src/core/compose/commands.js';
import { composeProject } from '../../src/core/compose/project.js';
import { dockerInspect } from '../../src/core/compose/docker.js';
import { type ComposeCli } from '../../src/core/compose/compose-cli.js';
import { runCommand } from '../helpers/run.js';

const v1: ComposeCli = { flavor: 'v1', argv: ['docker-compose'], version: '1.29.2' };
const v2: ComposeCli = { flavor: 'v2', argv: ['docker', 'compose'], version: '2.27.0' };
const twoFiles = { files: ['docker-compose.yml', 'ops/override.yml'], projectName: 'shop' };

describe('compose project', () => {
  it('resolves files against the config directory and keeps absolute ones', () => {
    const project = composeProject(v2, { files: ['docker-compose.yml', '/etc/stack/extra.yml'] }, '/srv/app', {});
    expect(project.files).toEqual(['/srv/app/docker-compose.yml', '/etc/stack/extra.yml']);
    expect(project.cwd).toBe('/srv/app');
  });
});

describe('compose up (recreate only the named services)', () => {
  it('v2, several files, project name', () => {
    expect(composeUp(composeProject(v2, twoFiles, '/srv/app', {}), ['app', 'api']).argv).toEqual([
      'docker',
      'compose',
      '-f',
      '/srv/app/docker-compose.yml',
      '-f',
      '/srv/app/ops/override.yml',
      '-p',
      'shop',
      'up',
      '-d',
      '--no-deps',
      '--force-recreate',
      'app',
      'api',
    ]);
  });

  it('v1, one file, no project name', () => {
    expect(composeUp(composeProject(v1, { files: ['docker-compose.yml'] }, '/srv/app', {}), ['app']).argv).toEqual([
      'docker-compose',
      '-f',
      '/srv/app/docker-compose.yml',
      'up',
      '-d',
      '--no-deps',
      '--force-recreate',
      'app',
    ]);
  });

  it('passes --project-directory only when asked', () => {
    const project = composeProject(v1, { files: ['deploy/compose.yml'], projectName: 'shop' }, '/srv/app', {}, { projectDirectory: '.' });
    expect(composeUp(project, ['app']).argv).toEqual([
      'docker-compose',
      '-f',
      '/srv/app/deploy/compose.yml',
      '-p',
      'shop',
      '--project-directory',
      '/srv/app',
      'up',
      '-d',
      '--no-deps',
      '--force-recreate',
      'app',
    ]);
  });

  it('is a write that runs in the config directory', () => {
    const cmd = composeUp(composeProject(v2, twoFiles, '/srv/app', {}), ['app']);
    expect(cmd.kind).toBe('write');
    expect(cmd.cwd).toBe('/srv/app');
  });

  it('is what --dry-run prints, as a copyable command line', async () => {
    const lines: string[] = [];
    const project = composeProject(v2, { files: ['my stack/docker-compose.yml'], projectName: 'shop' }, '/srv/app', {});
    const result = await runCommand(composeUp(project, ['app']), { dryRun: true, onDryRun: (line) => lines.push(line) });
    expect(result.skipped).toBe(true);
    expect(lines).toEqual(["would run: docker compose -f '/srv/app/my stack/docker-compose.yml' -p shop up -d --no-deps --force-recreate app"]);
  });
});

describe('compose ps (containers of the services, stopped ones too)', () => {
  it('v2 asks for JSON and all containers', () => {
    const cmd = composePs(composeProject(v2, twoFiles, '/srv/app', {}), ['app']);
    expect(cmd.argv).toEqual(['docker', 'compose', '-f', '/srv/app/docker-compose.yml', '-f', '/srv/app/ops/override.yml', '-p', 'shop', 'ps', '--all', '--format', 'json', 'app']);
    expect(cmd.kind).toBe('read');
  });

  it('v1 lists ids (it has no JSON) for docker inspect', () => {
    const cmd = composePs(composeProject(v1, { files: ['docker-compose.yml'] }, '/srv/app', {}), ['app', 'worker']);
    expect(cmd.argv).toEqual(['docker-compose', '-f', '/srv/app/docker-compose.yml', 'ps', '-q', 'app', 'worker']);
    expect(dockerInspect(['abc', 'def']).argv).toEqual(['docker', 'inspect', 'abc', 'def']);
  });
});

describe('compose exec and down', () => {
  it('exec runs without a TTY so it works from CI', () => {
    const cmd = composeExec(composeProject(v2, twoFiles, '/srv/app', {}), 'nginx', ['nginx', '-s', 'reload'], 'write');
    expect(cmd.argv).toEqual([
      'docker',
      'compose',
      '-f',
      '/srv/app/docker-compose.yml',
      '-f',
      '/srv/app/ops/override.yml',
      '-p',
      'shop',
      'exec',
      '-T',
      'nginx',
      'nginx',
      '-s',
      'reload',
    ]);
    expect(composeExec(composeProject(v1, twoFiles, '/srv/app', {}), 'nginx', ['nginx', '-t'], 'read').argv).toEqual([
      'docker-compose',
      '-f',
      '/srv/app/docker-compose.yml',
      '-f',
      '/srv/app/ops/override.yml',
      '-p',
      'shop',
      'exec',
      '-T',
      'nginx',
      'nginx',
      '-t',
    ]);
  });

  it('down removes volumes only when asked', () => {
    const project = composeProject(v1, { files: ['docker-compose.yml'], projectName: 'shop' }, '/srv/app', {});
    expect(composeDown(project).argv).toEqual(['docker-compose', '-f', '/srv/app/docker-compose.yml', '-p', 'shop', 'down']);
    expect(composeDown(project, { volumes: true }).argv.slice(-2)).toEqual(['down', '-v']);
  });
});
