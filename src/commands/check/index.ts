import type { ProviderRole } from '../../core/config/schema.js';
import { composePreflight } from '../../core/compose/preflight.js';
import { loadConfig } from '../../core/config/load.js';
import { resolveEnvironment } from '../../core/config/environment.js';
import { createRunner } from '../../core/exec/run.js';
import { originLines, originRecord } from '../../core/config/origins.js';
import { checkDocument } from '../../core/check/document.js';
import { renderCheckTable, renderDetails, renderProblems } from '../../core/check/render.js';
import { runCheck } from '../../core/check/run.js';
import { planCheck, renderCheckPlan } from '../../core/check/plan.js';
import { environmentPointing, withContainers } from '../../core/check/environment.js';
import { pointingLines, pointingOk } from '../../core/appview/pointing.js';
import { refuseWarnings } from '../../core/config/warnings.js';
import { Redactor } from '../../core/redact.js';
import type { Context } from '../../context.js';

export interface CheckFlags {
  provider: 'legacy' | 'target' | 'all';
  samples?: number;
  maxP95?: number;
  maxErrors?: number;
  strictModels?: boolean;
  strict?: boolean;
}

export async function run(ctx: Context, flags: CheckFlags): Promise<number> {
  const loaded = await loadConfig({ cwd: ctx.cwd, processEnv: ctx.processEnv, configPath: ctx.global.config, environment: ctx.global.env });
  const { config } = loaded;
  if (flags.strict) refuseWarnings(loaded);
  for (const warning of loaded.warnings) ctx.out.warn(warning);
  const roles: ProviderRole[] = flags.provider === 'all' ? ['legacy', 'target'] : [flags.provider];
  if (ctx.global.env) {
    // A compose file the configured compose rejects would fail the ramp's first stage: say so now (exit 2).
    const { name, envConfig } = resolveEnvironment(loaded, ctx.global.env);
    for (const warning of await composePreflight(loaded, name, envConfig, createRunner({ processEnv: ctx.processEnv }), ctx.processEnv)) ctx.out.warn(warning);
  }
  if (ctx.global.dryRun) {
    const plan = planCheck(config, roles, flags.samples ?? config.check.samples);
    if (ctx.out.json) ctx.out.printJson(plan);
    else ctx.out.print(renderCheckPlan(plan));
    return 0;
  }
  const files = ctx.global.env ? await environmentPointing(loaded, ctx.global.env) : undefined;
  const total = roles.reduce((n, role) => n + 1 + config.providers[role].nodes.length, 0);
  let done = 0;
  ctx.out.live(`checking ${total} endpoint${total > 1 ? 's' : ''}…`);
  const checked = await runCheck(config, {
    roles,
    samples: flags.samples ?? config.check.samples,
    maxP95Ms: flags.maxP95 ?? config.check.maxP95Ms ?? config.ramp.gates.maxP95Ms,
    maxErrors: flags.maxErrors ?? config.check.maxErrors,
    strictModels: flags.strictModels ? true : undefined,
    processEnv: ctx.processEnv,
    signal: ctx.signal,
    onDone: (r) => ctx.out.live(`checking ${total} endpoints… ${++done}/${total} done (${r.role} ${r.node}: ${r.verdict})`),
  });
  // Failure messages quote what servers sent: a relay may echo a key in any shape.
  const reports = new Redactor(loaded.secrets).value(checked);
  ctx.out.live(`checked ${total} endpoint${total > 1 ? 's' : ''}`, true);
  const pointing = files && (await withContainers(files, loaded, { processEnv: ctx.processEnv, signal: ctx.signal }));
  // A container holding a mixed pair, or one that does not answer, is an app that is down.
  const ok = reports.every((r) => r.verdict !== 'fail') && pointingOk(pointing?.containers ?? []);
  for (const line of renderDetails(reports)) ctx.out.debug(line);
  if (ctx.out.json) {
    const origins = originRecord(loaded.origins, loaded.dir, loaded.name);
    ctx.out.printJson(checkDocument(loaded.file, reports, pointing, origins));
    return ok ? 0 : 1;
  }
  ctx.out.print(renderCheckTable(reports, ctx.out.c));
  const problems = renderProblems(reports, ctx.out.c);
  if (problems) ctx.out.print(`\n${problems}`);
  ctx.out.print(
    `\nwhere the settings came from:\n${originLines(loaded.origins, loaded.dir, loaded.name)
      .map((l) => `  ${l}`)
      .join('\n')}`,
  );
  if (pointing) ctx.out.print(`\nenvironment ${pointing.name}: ${pointing.files.map((f) => `${f.path} → ${f.pointsAt}`).join(', ')}`);
  if (pointing?.containers) ctx.out.print(['containers (what they hold now):', ...pointingLines(pointing.containers)].join('\n'));
  else if (pointing?.containersNote) ctx.out.print(`containers: ${pointing.containersNote}`);
  // What a relay target needs that the env files cannot carry: said here, refused by `ramp` (unless --force).
  for (const line of [...(pointing?.needs.errors ?? []), ...(pointing?.needs.warnings ?? [])]) ctx.out.warn(line);
  if (ok) ctx.out.success(`all required checks passed${problems ? ' (with warnings)' : ''}`);
  else ctx.out.error('some checks failed: see the notes above');
  return ok ? 0 : 1;
}
