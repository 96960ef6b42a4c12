import { promises as fs } from 'node:fs';
import path from 'node:path';
import { runCli, runCliAtTerminal, startCli, type CliOptions, type CliResult } from '../helpers/cli.js';
import type { Answer, TerminalRun } from '../helpers/terminal.js';
import { KEYS, envText } from './helpers.js';

// End-to-end through the built CLI (test/helpers/cli.ts), as an operator or CI job runs it, with
// the project's keys in the environment and --config naming the project.
export type { CliResult };

export interface Project {
  dir: string;
  config: string;
  stateDir: string;
  envFiles: string[];
}

export interface ProjectOptions {
  legacyUrl: string;
  targetUrl: string;
  /** Number of env files and padding per file (the crash test wants slow writes). */
  files?: number;
  padding?: number;
  /** YAML for the environment's compose block, or none. */
  compose?: string;
  dir?: string;
}

/** A project whose env files point at legacy; `pointAtTarget` rewrites them as a ramp's cut-over would. */
export async function makeProject(dir: string, o: ProjectOptions): Promise<Project> {
  const count = o.files ?? 1;
  const names = Array.from({ length: count }, (_, i) => `env/.env.canary${i ? `.${i}` : ''}`);
  await fs.mkdir(path.join(dir, 'env'), { recursive: true });
  await fs.writeFile(
    path.join(dir, 'migrate.yaml'),
    [
      'version: 1',
      'providers:',
      `  legacy: { baseUrl: "${o.legacyUrl}", apiKey: "\${OPENAI_API_KEY}", timeoutMs: 5000 }`,
      `  target: { baseUrl: "${o.targetUrl}", apiKey: "\${TARGET_API_KEY}", timeoutMs: 5000 }`,
      'models: [gpt-4.1]',
      'environments:',
      '  canary:',
      `    envFiles: [${names.join(', ')}]`,
      ...(o.compose ? [`    compose: ${o.compose}`] : []),
      '',
    ].join('\n'),
  );
  const project = { dir, config: path.join(dir, 'migrate.yaml'), stateDir: path.join(dir, '.migrate'), envFiles: names.map((n) => path.join(dir, n)) };
  for (const [i, file] of project.envFiles.entries()) await fs.writeFile(file, legacyText(o, i), { mode: 0o600 });
  // The compose model reads env_file from the files as written; `app` reads the first env file.
  if (o.compose) await fs.writeFile(path.join(dir, 'docker-compose.yml'), `services:\n  app:\n    image: migrate-busybox:latest\n    env_file: ${names[0]}\n`);
  return project;
}

export function legacyText(o: ProjectOptions, i = 0): string {
  return envText(o.legacyUrl, KEYS.legacy, { LLM_TARGET_WEIGHT: '0', FILE_INDEX: String(i), PADDING: 'l'.repeat(o.padding ?? 0) });
}

export function targetText(o: ProjectOptions, i = 0): string {
  return envText(o.targetUrl, KEYS.target, { LLM_TARGET_WEIGHT: '100', FILE_INDEX: String(i), PADDING: 't'.repeat(o.padding ?? 0) });
}

export async function pointAtTarget(p: Project, o: ProjectOptions): Promise<void> {
  for (const [i, file] of p.envFiles.entries()) await fs.writeFile(file, targetText(o, i));
}

const keys = { OPENAI_API_KEY: KEYS.legacy, TARGET_API_KEY: KEYS.target };

/** Run the CLI from another directory (the runner's own empty one), so config-relative paths are exercised; output exact. */
export function migrate(p: Project, args: string[], env: CliOptions['env'] = {}, opts: Omit<CliOptions, 'env'> = {}): Promise<CliResult> {
  return runCli(['--config', p.config, ...args], { keepFinalNewline: true, ...opts, env: { ...keys, ...env } });
}

/** The same, as a child the test can signal or read while it runs. */
export function startMigrate(p: Project, args: string[], env: CliOptions['env'] = {}) {
  return startCli(['--config', p.config, ...args], { keepFinalNewline: true, env: { ...keys, ...env } });
}

/** The same at a terminal, from the project's directory, answering prompts as a person would. */
export function migrateAtTerminal(p: Project, args: string[], answers: Answer[]): Promise<TerminalRun> {
  return runCliAtTerminal(args, { cwd: p.dir, env: keys, answers });
}

/** Every file the state directory holds, as one text (backups' env copies excepted: they are env files). */
export async function stateText(p: Project): Promise<string> {
  const files = ((await fs.readdir(p.stateDir, { recursive: true }).catch(() => [])) as string[]).filter((f) => !/^backups\/[^/]+\/\d+-/.test(f));
  const texts = await Promise.all(files.map((f) => fs.readFile(path.join(p.stateDir, f), 'utf8').catch(() => '')));
  return texts.join('\n');
}

export async function auditLines(p: Project): Promise<Array<Record<string, unknown>>> {
  const text = await fs.readFile(path.join(p.stateDir, 'audit.log'), 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}
