import { baseArgv, type ComposeProject } from '../compose/project.js';
import { UnhealthyError } from '../../errors.js';
import type { Command, RunResult, Runner } from '../exec/command.js';
import { formatArgv } from '../exec/format.js';
import { Redactor } from '../redact.js';
import { GATEWAY_SERVICE } from './layout.js';

// Compose commands for the gateway service alone (argv builders; one runner executes them).

/** Start (or recreate) the gateway; `--no-deps`: the app's services are left as they are. */
export function gatewayUp(project: ComposeProject): Command {
  return {
    argv: [...baseArgv(project), 'up', '-d', '--no-deps', '--force-recreate', GATEWAY_SERVICE],
    cwd: project.cwd,
    kind: 'write',
    timeoutMs: 120_000,
    description: `start ${GATEWAY_SERVICE}`,
  };
}

/** Stop and remove the gateway's container (its files are migrate's to delete). */
export function gatewayRemove(project: ComposeProject): Command {
  return {
    argv: [...baseArgv(project), 'rm', '--stop', '--force', GATEWAY_SERVICE],
    cwd: project.cwd,
    kind: 'write',
    timeoutMs: 60_000,
    description: `stop and remove ${GATEWAY_SERVICE}`,
  };
}

/** Its last log lines, to say why it did not answer (nginx logs to stderr: no keys there). */
export function gatewayLogs(project: ComposeProject): Command {
  return { argv: [...baseArgv(project), 'logs', '--no-color', '--tail', '5', GATEWAY_SERVICE], cwd: project.cwd, kind: 'read', timeoutMs: 30_000 };
}

/** Runs a write; a failure is exit 1 with compose's last lines, keys redacted. */
export async function must(cmd: Command, d: { run: Runner; loaded: { secrets: string[] } }): Promise<RunResult> {
  const result = await d.run(cmd);
  if (result.exitCode === 0) return result;
  const why = new Redactor(d.loaded.secrets).text(lastLines(result.stderr)) || `exit code ${result.exitCode}`;
  throw new UnhealthyError(`\`${formatArgv(cmd.argv)}\` failed: ${why}`);
}

export function lastLines(text: string): string {
  return text.trim().split('\n').filter(Boolean).slice(-3).join(' | ');
}
