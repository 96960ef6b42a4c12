import type { Context } from '../../context.js';
import { UsageError } from '../../errors.js';
import { loadConfig, type LoadedConfig } from '../../core/config/load.js';
import { resolveEnvironment } from '../../core/config/environment.js';
import type { ProviderRole } from '../../core/config/schema.js';
import { ProbeClient } from '../../core/http/client.js';
import { Redactor } from '../../core/redact.js';
import { renderTerminal } from '../../core/report/terminal.js';
import { resolveStateDir } from '../../core/state/paths.js';
import { keepLastValidation } from '../../core/validate/last.js';
import { annotationsFor, plannedFiles, writeReportFiles } from '../../core/validate/outputs.js';
import { planValidation, renderPlan, type ValidationPlan } from '../../core/validate/plan.js';
import { buildReport } from '../../core/validate/report.js';
import { rpmOf, runValidation } from '../../core/validate/run.js';
import { configuredSuiteFiles, loadSuites, type Suite } from '../../core/validate/suite.js';

export interface ValidateFlags {
  provider: 'legacy' | 'target' | 'all';
  suite?: string[];
  concurrency?: number;
  rpm?: number;
  junit?: string;
  markdown?: string;
  html?: string;
  minPassRate?: number;
  case?: string[];
  /** --probes / --no-probes; absent: validate.probes. */
  probes?: boolean;
}

export async function run(ctx: Context, flags: ValidateFlags): Promise<number> {
  const loaded = await loadConfig({ cwd: ctx.cwd, processEnv: ctx.processEnv, configPath: ctx.global.config, environment: ctx.global.env });
  const { config } = loaded;
  // validate acts on no environment, but an --env naming none is a typo the user should hear about.
  if (ctx.global.env) resolveEnvironment(loaded, ctx.global.env);
  const suites = selectCases(await loadSuites(suiteFiles(flags, loaded), ctx.cwd), flags.case);
  const roles: ProviderRole[] = flags.provider === 'all' ? ['legacy', 'target'] : [flags.provider];
  const providers = Object.fromEntries(roles.map((r) => [r, config.providers[r]]));
  const runs = suites.flatMap((s) => s.runs);
  const probes = flags.probes ?? config.validate.probes;
  if (ctx.global.dryRun) return printPlan(ctx, planValidation(runs, providers, config.models[0]!, probes));
  const startedAt = new Date();
  const client = new ProbeClient({ processEnv: ctx.processEnv });
  const progress = `validating ${runs.length} cases on ${roles.join(' and ')}…`;
  ctx.out.live(progress);
  let drawnAt = performance.now();
  const result = await runValidation({
    runs,
    providers,
    defaultModel: config.models[0]!,
    concurrency: flags.concurrency ?? config.validate.concurrency,
    rpm: rpmOf(config, flags.rpm),
    totalTimeoutMs: config.validate.timeout,
    signal: ctx.signal,
    client,
    probes,
    onProgress: (done, total) => {
      // At a terminal every answer redrew the line, hundreds of times a second: ten a second read the same.
      const now = performance.now();
      if (now - drawnAt < 100 && done < total) return;
      drawnAt = now;
      ctx.out.live(`${progress} ${done}/${total} requests`);
    },
  }).finally(() => client.close());
  ctx.out.live(`validated ${runs.length} case${runs.length === 1 ? '' : 's'} in ${(result.durationMs / 1000).toFixed(1)}s`, true);

  const redactor = new Redactor(loaded.secrets);
  const report = redactor.value(
    buildReport({
      result,
      suites,
      providers,
      version: ctx.version,
      startedAt,
      minPassRate: flags.minPassRate ?? config.validate.minPassRate,
      dailyRequests: config.validate.dailyRequests,
    }),
  );
  const jsonFile = typeof ctx.global.json === 'string' && ctx.global.json !== '-' ? ctx.global.json : undefined;
  // Both at once: each write waits on the disk (fsync of the file and its directory), not the CPU.
  const [written] = await Promise.allSettled([
    writeReportFiles(plannedFiles(report, { cwd: ctx.cwd, jsonFile, junitFile: flags.junit, markdownFile: flags.markdown, htmlFile: flags.html, processEnv: ctx.processEnv })),
    // For `migrate report`: the validation summary and the cost comparison beside the ramp.
    keepLastValidation(resolveStateDir(loaded.dir, config.stateDir), report).catch((err: Error) =>
      ctx.out.warn(`could not keep this report for \`migrate report\`: ${err.message}`),
    ),
  ]);
  if (written.status === 'rejected') throw written.reason;
  const annotations = annotationsFor(report, ctx.processEnv);
  // Annotations must not corrupt the one JSON document on stdout.
  const annotate = ctx.out.json ? (l: string) => process.stderr.write(`${l}\n`) : (l: string) => process.stdout.write(`${l}\n`);
  annotations.forEach(annotate);
  if (ctx.out.json) ctx.out.printJson(report);
  else ctx.out.print(renderTerminal(report, ctx.out.c));
  for (const role of roles) {
    const note = report.providers[role]?.costNote;
    if (note) ctx.out.warn(`no suite cost for ${role}: ${note}`);
  }
  return report.exitCode;
}

/** --dry-run: the requests a run would send; a chat completion costs tokens, so none is sent. */
function printPlan(ctx: Context, plan: ValidationPlan): number {
  if (ctx.out.json) ctx.out.printJson(plan);
  else ctx.out.print(renderPlan(plan));
  return 0;
}

/** --suite (relative to the working directory), else validate.suites (relative to the config), else the built-in suite. */
function suiteFiles(flags: ValidateFlags, loaded: LoadedConfig): string[] {
  return flags.suite?.length ? flags.suite : configuredSuiteFiles(loaded);
}

/** --case ID (repeatable): keep cases whose id or expanded key matches; `*` is a wildcard. */
function selectCases(suites: Suite[], patterns: string[] | undefined): Suite[] {
  if (!patterns?.length) return suites;
  const tests = patterns.map((p) => new RegExp(`^${p.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`));
  const matches = (key: string, id: string) => tests.some((t) => t.test(id) || t.test(key));
  const kept = suites.map((s) => ({ ...s, runs: s.runs.filter((r) => matches(r.key, r.caseId)) })).filter((s) => s.runs.length > 0);
  if (kept.length === 0) {
    const known = suites.flatMap((s) => s.runs.map((r) => r.caseId));
    throw new UsageError(`no case matches --case ${patterns.join(', ')}`, { hint: `known cases: ${[...new Set(known)].join(', ')}` });
  }
  return kept;
}
