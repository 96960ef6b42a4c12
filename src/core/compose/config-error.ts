import path from 'node:path';
import { UsageError } from '../../errors.js';
import type { Command, RunResult } from '../exec/command.js';
import { formatArgv } from '../exec/format.js';
import type { ComposeProject } from './project.js';

// Lines compose prints that are not the error: unset-variable warnings, progress.
const NOISE = /variable is not set|^warn(ing)?\b|level=warn|^(Creating|Pulling|Network|Volume)\b/i;
// Lines that say what is wrong, in v1's and v2's words.
const ERROR = /ERROR:|is invalid|Unsupported config option|Additional propert|not allowed|does not match|no such (file|service)|not found|Couldn't find|Error\b|error\b|unknown/;

/**
 * The line of compose's stderr that says what is wrong. v1 ends with a paragraph of advice and
 * puts the reason on the line after "...is invalid because:"; the last line is rarely it.
 */
export function composeErrorLine(stderr: string): string {
  // v1 prints progress dots before its first error line (".FileNotFoundError: ...").
  const lines = stderr
    .split('\n')
    .map((l) => l.trim().replace(/^\.+(?=\S)/, ''))
    .filter((l) => l && !NOISE.test(l));
  const because = lines.findIndex((l) => /because:$/.test(l));
  if (because >= 0 && lines[because + 1]) return lines[because + 1]!;
  return lines.find((l) => ERROR.test(l)) ?? lines[lines.length - 1] ?? '';
}

/** `compose config` refused the files: exit 2 before anything changed, naming the files and compose's reason. */
export function composeConfigError(project: ComposeProject, cmd: Command, result: RunResult): UsageError {
  const files = project.files.map((f) => displayPath(f, project.cwd)).join(', ');
  const program = project.cli.argv.join(' ');
  const why = result.timedOut ? `timed out after ${Math.round((cmd.timeoutMs ?? 0) / 1000)}s` : composeErrorLine(result.stderr) || `exited with code ${result.exitCode}`;
  return new UsageError(`${program} cannot use ${files}: ${why}`, {
    hint: `nothing was changed; see the whole error with \`${formatArgv(cmd.argv)}\`${v1Advice(project, why)}`,
  });
}

// The v2-only top-level `name:` is the usual reason a file that works on a laptop fails on a v1 server.
function v1Advice(project: ComposeProject, why: string): string {
  if (project.cli.flavor !== 'v1' || !/'name'|\bname\b/.test(why)) return '';
  return '; Compose v1 has no top-level `name:`: remove it and set compose.projectName in migrate.yaml, or use Compose v2 (compose.command: docker compose)';
}

function displayPath(file: string, cwd: string): string {
  const rel = path.relative(cwd, file);
  return rel && !rel.startsWith('..') ? rel : file;
}
