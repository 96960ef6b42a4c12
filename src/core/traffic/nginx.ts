import { promises as fs } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ProviderConfig, ProviderRole } from '../config/schema.js';
import { composeExec, composeUp } from '../compose/commands.js';
import type { ComposeProject } from '../compose/project.js';
import type { Command, Runner, RunResult } from '../exec/command.js';
import { formatArgv } from '../exec/format.js';
import { writeFileAtomic } from '../fs/atomic.js';
import { bearerKey } from '../http/auth.js';
import { redactText } from '../redact.js';
import { UnhealthyError, UsageError } from '../../errors.js';
import { execIn, runningContainer } from './nginx-container.js';
import { describeLoaded, loadedWeights } from './nginx-loaded.js';
import { waitForNewGeneration } from './nginx-reload.js';
import { watchReload, type ReloadWatch } from './nginx-reload-watch.js';
import { nodeOrderOf, renderNginxInclude, targetModelMap, varPrefix, weightOfInclude, NJS_FILE } from './nginx-render.js';
import { NJS_SOURCE } from './njs-models.js';
import type { NodeOrder } from './node-order.js';
import { executeStep } from './steps.js';
import type { ApplyOptions, Applied, CommandStep, FileStep, Step, TrafficDriver } from './types.js';

export interface NginxDriverOptions {
  environment: string;
  /** Absolute path of the generated include. */
  file: string;
  binary: string;
  /** Extra arguments for `nginx -t` and `nginx -s reload` (e.g. -c, -p). */
  args: string[];
  splitKey: string;
  providers: Record<ProviderRole, Pick<ProviderConfig, 'baseUrl' | 'apiKey'> & Partial<Pick<ProviderConfig, 'headers' | 'models'>>>;
  /** Run nginx inside this compose service instead of on the host. */
  service?: { project: ComposeProject; name: string };
  /**
   * `nginx -s reload` only signals the master, which then loads the config and replaces its
   * workers: measured at 70-190 ms on loopback before new requests see the new split. Waiting
   * this long after the signal makes "applied" mean applied (a rollback must not report success
   * while old workers still route to target).
   */
  reloadSettleMs?: number;
  /**
   * Measures the providers' nodes at each apply (not at reset: a rollback must be fast), so the
   * include lists the fastest healthy node first. Without it, or for a reset, the last order
   * measured (or the config order) is written.
   */
  measureNodes?: () => Promise<NodeOrder>;
}

export const RELOAD_SETTLE_MS = 1000;
/** How long the master may take to start new workers after the signal before the reload counts as refused. */
export const RELOAD_TIMEOUT_MS = 5000;

/**
 * Writes the split include (0600: it holds both keys), checks it with `nginx -t`, reloads, and
 * reads back with `nginx -T` the split nginx sees. No app restart. The include is written in
 * place (same inode): nginx is reloaded, never restarted, and may read it through a single-file
 * bind mount, which keeps showing the old inode after a rename.
 */
export function nginxDriver(opts: NginxDriverOptions): TrafficDriver {
  // As given and as sent (the include carries the key without spaces or quotes around it).
  const keys = [opts.providers.legacy.apiKey, opts.providers.target.apiKey].flatMap((k) => [k, bearerKey(k)]);

  let order: NodeOrder | undefined;

  function plan(weight: number, mirror = 0): Promise<Step[]> {
    return Promise.resolve(steps(weight, mirror));
  }

  function steps(weight: number, mirror = 0, container?: string): Step[] {
    return [...includeSteps(opts, weight, mirror, order), nginxStep(opts, ['-t'], 'check the include', container), nginxStep(opts, ['-s', 'reload'], 'reload nginx', container)];
  }

  async function current(): Promise<number | undefined> {
    const text = await fs.readFile(opts.file, 'utf8').catch(() => undefined);
    return text === undefined ? undefined : weightOfInclude(text);
  }

  async function apply(weight: number, o: ApplyOptions, measure = true): Promise<Applied> {
    if (measure && !o.dryRun && opts.measureNodes) order = await opts.measureNodes();
    const container = o.dryRun ? undefined : await serviceContainer(o.run);
    const all = steps(weight, o.mirror, container);
    const [test, reload] = all.slice(-2) as [CommandStep, CommandStep];
    const previous = await fs.readFile(opts.file, 'utf8').catch(() => undefined);
    for (const write of all.slice(0, -2)) await executeStep(write, o);
    await checked(test, o, async () => {
      // Never leave a file nginx rejects where its next reload (or restart) would read it.
      if (o.dryRun) return;
      if (previous === undefined) await fs.rm(opts.file, { force: true });
      else await writeFileAtomic(opts.file, previous, { mode: 0o600, inPlace: true, private: true });
    });
    const watch = o.dryRun || (opts.service && !container) ? undefined : await watchReload({ binary: opts.binary, args: opts.args, container, run: o.run });
    await checked(reload, o);
    if (o.dryRun) return { appliedWeight: (await current()) ?? 0 };
    const signalled = Date.now();
    if (watch && !(await waitForNewGeneration(watch.where, watch.before, o.run, RELOAD_TIMEOUT_MS))) await refused(reload, watch, previous);
    await sleep(Math.max(0, (opts.reloadSettleMs ?? RELOAD_SETTLE_MS) - (Date.now() - signalled)));
    return { appliedWeight: await loaded(weight, o.mirror ?? 0, o, container), ...(order ? { nodeOrder: order } : {}) };
  }

  /** The service's running container, looked up once per apply; none running: compose exec, which fails with compose's own message. */
  async function serviceContainer(run: Runner): Promise<string | undefined> {
    return opts.service ? runningContainer(opts.service.project, opts.service.name, run) : undefined;
  }

  /** The split nginx sees now (`nginx -T`); anything but `weight` fails the step. */
  async function loaded(weight: number, mirror: number, o: ApplyOptions, container?: string): Promise<number> {
    const dump = nginxStep(opts, ['-T'], 'show the configuration nginx loads', container);
    const result = await o.run({ ...dump.command, kind: 'read' });
    if (result.exitCode !== 0) failed(dump, result);
    if (mirror > 0 && !mirrorsLoaded(result.stdout, opts.environment)) {
      throw new UsageError(`nginx does not mirror ${opts.environment}'s requests: its location has no \`mirror\` line, so a shadow stage would send target nothing`, {
        hint: opts.service
          ? `remove and set up the gateway again (\`migrate gateway remove\`, then \`migrate gateway setup --env ${opts.environment}\`) to get the shadow location`
          : `use the location the include's comment shows (\`migrate nginx-config --env ${opts.environment}\`), then run again`,
      });
    }
    const weights = loadedWeights(result.stdout, opts.environment);
    const wrote = Math.round(weight * 100) / 100;
    if (weights.length > 0 && weights.every((w) => w === wrote)) return wrote;
    throw new UnhealthyError(`nginx does not see the split migrate wrote: ${opts.file} says ${weight}% to target, but \`nginx -T\` shows ${describeLoaded(weights)}`, {
      hint: opts.service
        ? `the ${opts.service.name} container may mount an older copy of ${opts.file} (a single-file bind mount of a file replaced by rename): recreate it with \`${formatArgv(composeUp(opts.service.project, [opts.service.name]).argv)}\`, then run again`
        : `check that nginx includes ${opts.file} (\`${formatArgv([opts.binary, ...opts.args, '-T'])}\`)`,
    });
  }

  /** The master kept its old workers: it refused the configuration. The include is put back, so no later restart loads what it refused. */
  async function refused(reload: CommandStep, watch: ReloadWatch, previous: string | undefined): Promise<never> {
    if (previous === undefined) await fs.rm(opts.file, { force: true });
    else await writeFileAtomic(opts.file, previous, { mode: 0o600, inPlace: true, private: true });
    const why = redactText((await watch.complaint()) ?? '', keys) || `its workers were not replaced within ${RELOAD_TIMEOUT_MS / 1000}s`;
    throw new UnhealthyError(`\`${formatArgv(reload.command.argv)}\` exited 0, but nginx did not load the new configuration: ${why}`, {
      hint: `nginx still serves its previous configuration and ${opts.file} was put back; fix what nginx says (\`${formatArgv([opts.binary, ...opts.args, '-t'])}\` does not catch it), then run again`,
    });
  }

  /** Runs a command step; nginx quotes offending config text in its errors, so keys are redacted. */
  async function checked(step: CommandStep, o: ApplyOptions, undo?: () => Promise<void>): Promise<void> {
    const result = await o.run(step.command);
    if (result.exitCode === 0) return;
    await undo?.();
    return failed(step, result, Boolean(undo));
  }

  function failed(step: CommandStep, result: RunResult, undone = false): never {
    const why = redactText(nginxComplaint(result.stderr), keys) || `exit code ${result.exitCode}`;
    throw new UnhealthyError(`\`${formatArgv(step.command.argv)}\` failed: ${why}`, {
      hint: undone ? `${opts.file} was put back as it was; fix the nginx config, then run again` : 'is nginx running? check its error log',
    });
  }

  return { name: 'nginx', plan, apply: (weight, o) => apply(weight, o), reset: (o) => apply(0, o, false), current };
}

/** The include at `weight` with the real keys (0600, in place): `nginx-config --write` and `gateway setup`, before any nginx runs. */
export function includeStep(opts: Pick<NginxDriverOptions, 'environment' | 'file' | 'splitKey' | 'providers'>, weight: number, mirror = 0, order?: NodeOrder): FileStep {
  const ids = (role: 'legacy' | 'target') => order?.[role].map((n) => n.id) ?? [];
  const input = { environment: opts.environment, weight, mirror, splitKey: opts.splitKey, providers: opts.providers, order: { legacy: ids('legacy'), target: ids('target') } };
  const shadow = mirror > 0 ? ` and mirror ${mirror}% to target (shadow)` : '';
  return {
    kind: 'file',
    file: opts.file,
    content: renderNginxInclude(input),
    mode: 0o600,
    inPlace: true,
    secret: 'own',
    description: `route ${weight}% of ${opts.environment}'s requests to target${shadow}`,
    summary: [`split ${weight}% to target${shadow}`, ...nodeSummary(input)],
  };
}

/** The include, and beside it the njs script when target names models differently (nginx.conf imports it). */
export function includeSteps(opts: Pick<NginxDriverOptions, 'environment' | 'file' | 'splitKey' | 'providers'>, weight: number, mirror = 0, order?: NodeOrder): FileStep[] {
  const include = includeStep(opts, weight, mirror, order);
  if (targetModelMap(opts.providers) === undefined) return [include];
  const script: FileStep = {
    kind: 'file',
    file: path.join(path.dirname(opts.file), NJS_FILE),
    content: NJS_SOURCE,
    mode: 0o644,
    description: "rename the request's model for target (njs)",
    summary: [`write ${NJS_FILE} (renames models for target)`],
  };
  return [script, include];
}

/** The environment's location has the shadow `mirror` line in what nginx loaded (`nginx -T`). */
function mirrorsLoaded(dump: string, environment: string): boolean {
  return dump.split('\n').some((line) => line.trim() === `mirror /_migrate_shadow/${varPrefix(environment)};`);
}

/** `target nodes: east first, then west`: which node is the primary (a dry run shows the last or config order). */
function nodeSummary(input: Parameters<typeof nodeOrderOf>[0]): string[] {
  const ids = nodeOrderOf(input);
  return (['target', 'legacy'] as const).flatMap((role) => (ids[role].length ? [`${role} nodes: ${ids[role][0]} first, then ${ids[role].slice(1).join(', ')}`] : []));
}

/** `container`: the service's running container, exec'd into directly (nginx-container.ts). */
function nginxStep(opts: NginxDriverOptions, action: string[], description: string, container?: string): CommandStep {
  const argv = [opts.binary, ...opts.args, ...action];
  // `nginx -t` only reads, but it checks the file we would write: under --dry-run it is shown, not run.
  const command: Command = container
    ? execIn(container, argv, 'write', description)
    : opts.service
      ? { ...composeExec(opts.service.project, opts.service.name, argv, 'write'), description }
      : { argv, kind: 'write', description, timeoutMs: 30_000 };
  return { kind: 'command', command };
}

/** nginx ends with "test failed"; the line saying why is the [emerg] (or [error]) one. */
function nginxComplaint(stderr: string): string {
  const lines = stderr.trim().split('\n').filter(Boolean);
  return (lines.find((l) => /\[(emerg|alert|crit|error)\]/.test(l)) ?? lines[lines.length - 1] ?? '').trim();
}
