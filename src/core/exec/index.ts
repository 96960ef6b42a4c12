export type { Command, RunResult, Runner } from './command.js';
export { formatArgv } from './format.js';
export { runCommand, createRunner, preloadRunner, type RunOptions } from './run.js';
export { CommandNotFoundError, CommandFailedError } from './errors.js';
