import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempProject, type ProjectFile } from '../helpers/project.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const FIXTURES = path.join(ROOT, 'fixtures/configs');

/** A temp project directory holding `files` (path -> content); removed after the test. */
export function project(files: Record<string, ProjectFile> = {}): string {
  return tempProject('migrate-config-', files);
}

export function withFixture(dir: string, fixture: string, as = 'migrate.yaml'): string {
  copyFileSync(path.join(FIXTURES, fixture), path.join(dir, as));
  return path.join(dir, as);
}

/** Values the fixtures' ${VAR}s need; long enough to be redacted as sk-…wxyz. */
export const KEYS = {
  OPENAI_API_KEY: 'sk-legacy-0123456789abcdef0123456789abcd01',
  HOLYSHEEP_API_KEY: 'sk-hs-fedcba9876543210fedcba9876543210ab02',
  HOLYSHEEP_NORTH_KEY: 'north-5555666677778888999900003',
  HOLYSHEEP_BASE_URL: 'https://api.holysheep.example/v1',
};

/** A minimal valid config; `extra` is appended as more YAML. */
export function minimalYaml(extra = ''): string {
  return [
    'version: 1',
    'providers:',
    '  legacy:',
    '    baseUrl: https://api.openai.com/v1',
    '    apiKey: ${OPENAI_API_KEY}',
    '  target:',
    '    baseUrl: ${HOLYSHEEP_BASE_URL}',
    '    apiKey: ${HOLYSHEEP_API_KEY}',
    'models: [gpt-4.1]',
    extra,
  ].join('\n');
}
