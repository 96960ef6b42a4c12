import path from 'node:path';
import type { ComposeConfig } from '../config/schema.js';
import type { ComposeCli } from './compose-cli.js';

/** Everything needed to address one environment's compose stack. */
export interface ComposeProject {
  cli: ComposeCli;
  /** Absolute paths, in the order given (later files override earlier ones, as in compose). */
  files: string[];
  projectName?: string;
  /**
   * Compose's default is the first file's directory, which is what a person running compose by
   * hand gets; set only when env_file and build paths must resolve elsewhere.
   */
  projectDirectory?: string;
  /** Where commands run: the config file's directory, so relative paths mean the same as in migrate.yaml. */
  cwd: string;
  /**
   * The environment compose and docker run in (the Context's processEnv): it decides the project
   * name (COMPOSE_PROJECT_NAME) and the daemon (DOCKER_HOST), as it does for the docker children.
   */
  processEnv: NodeJS.ProcessEnv;
}

/** Resolves an environment's `compose:` section against the directory of migrate.yaml. */
export function composeProject(
  cli: ComposeCli,
  compose: Pick<ComposeConfig, 'files' | 'projectName'>,
  configDir: string,
  processEnv: NodeJS.ProcessEnv,
  opts: { projectDirectory?: string } = {},
): ComposeProject {
  return {
    cli,
    files: compose.files.map((file) => path.resolve(configDir, file)),
    projectName: compose.projectName,
    projectDirectory: opts.projectDirectory === undefined ? undefined : path.resolve(configDir, opts.projectDirectory),
    cwd: configDir,
    processEnv,
  };
}

/** The arguments every compose command starts with: the program, `-f` per file, `-p`, `--project-directory`. */
export function baseArgv(project: ComposeProject): string[] {
  const argv = [...project.cli.argv];
  for (const file of project.files) argv.push('-f', file);
  if (project.projectName) argv.push('-p', project.projectName);
  if (project.projectDirectory) argv.push('--project-directory', project.projectDirectory);
  return argv;
}
