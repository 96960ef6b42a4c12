import type { Context } from '../../context.js';
import { errorRedactor } from '../../core/known-secrets.js';
import { createRunner } from '../../core/exec/run.js';
import { renderDoctor } from '../../core/doctor/render.js';
import { runDoctor } from '../../core/doctor/run.js';

/** `migrate doctor [--env E] [--json]`: exit 1 when any check fails. */
export async function run(ctx: Context): Promise<number> {
  const checks = await runDoctor({
    cwd: ctx.cwd,
    processEnv: ctx.processEnv,
    configPath: ctx.global.config,
    environment: ctx.global.env,
    run: createRunner({ processEnv: ctx.processEnv, signal: ctx.signal }),
  });
  // Config errors and server answers are quoted in the lines: redact with every key the loader saw.
  const r = errorRedactor(ctx.processEnv);
  const safe = checks.map((check) => ({ ...check, detail: r(check.detail), ...(check.fix ? { fix: r(check.fix) } : {}) }));
  const ok = safe.every((check) => check.status !== 'fail');
  if (ctx.out.json) ctx.out.printJson({ schemaVersion: 1, ok, checks: safe });
  else ctx.out.print(renderDoctor(safe, ctx.out.c));
  return ok ? 0 : 1;
}
