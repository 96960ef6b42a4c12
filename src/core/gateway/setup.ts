import { promises as fs } from 'node:fs';
import path from 'node:path';
import { UnhealthyError } from '../../errors.js';
import { composeUp } from '../compose/commands.js';
import { describeNotReady, waitForServices } from '../compose/wait.js';
import type { LoadedConfig } from '../config/load.js';
import { parse, values } from '../envfile/parse.js';
import { setKeys } from '../envfile/edit.js';
import { updateEnvFile } from '../envfile/file.js';
import type { Runner } from '../exec/command.js';
import { formatArgv } from '../exec/format.js';
import { writeFileAtomic } from '../fs/atomic.js';
import { Redactor } from '../redact.js';
import { createBackup } from '../state/backups.js';
import { classifyEnvValues } from '../state/points-at.js';
import { planBackup } from '../state/backup-plan.js';
import { includeSteps } from '../traffic/nginx.js';
import { executeStep } from '../traffic/steps.js';
import { gatewayLogs, gatewayRemove, gatewayUp, lastLines, must } from './compose.js';
import { SPLIT_KEY, type SetupPlan } from './plan.js';
import { containersNotAt, providerThroughGateway } from './verify.js';

// `gateway setup` applied, in the order that keeps the app answering: the gateway first (started
// and proven to reach legacy), then the app's env files (after a backup) and its containers, then
// migrate.yaml. A failure before the env files change removes what was added; after, the hint
// names the backup to roll back to.

export interface SetupDeps {
  loaded: LoadedConfig;
  stateDir: string;
  run: Runner;
  toolVersion: string;
  /** The Context's processEnv: the backup's user when the uid has no passwd entry ($USER). */
  processEnv: NodeJS.ProcessEnv;
  log: { info(line: string): void; warn(line: string): void };
  signal?: AbortSignal;
  /** How long the gateway and the recreated services get to answer. */
  timeoutMs: number;
}

export interface SetupResult {
  backup: string;
  url: string;
  recreated: string[];
  answeredBy: string;
}

export async function applySetup(plan: SetupPlan, d: SetupDeps): Promise<SetupResult> {
  const answeredBy = await startGateway(plan, d);
  const backup = await backUp(plan, d);
  try {
    await pointApp(plan, d);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new UnhealthyError(`the gateway runs, but moving the app onto it failed: ${why}`, {
      hint: `put the app back as it was with \`migrate rollback --env ${plan.environment} --to ${backup}\`, then \`${formatArgv(gatewayRemove(plan.project).argv)}\``,
      cause: err,
    });
  }
  await writeFileAtomic(d.loaded.file, plan.configText);
  return { backup, url: plan.url, recreated: plan.consumers, answeredBy };
}

/** Files (0600 where they hold or load keys), `up -d`, and a request that legacy answers through it. */
async function startGateway(plan: SetupPlan, d: SetupDeps): Promise<string> {
  await fs.mkdir(plan.layout.confDir, { recursive: true, mode: 0o700 });
  await fs.mkdir(plan.layout.logsDir, { recursive: true, mode: 0o755 });
  // The conf directory holds both keys: keep it out of the project's git history.
  await writeFileAtomic(path.join(path.dirname(plan.layout.dir), '.gitignore'), '# Written by migrate gateway setup: these files hold API keys.\n*\n', { mode: 0o644 });
  const providers = d.loaded.config.providers;
  for (const step of includeSteps({ environment: plan.environment, file: plan.include.file, splitKey: SPLIT_KEY, providers }, 0)) {
    await executeStep(step, { run: d.run, onWarning: (line) => d.log.warn(line) });
  }
  for (const f of plan.files) await writeFileAtomic(f.file, f.content, { mode: f.mode, private: f.mode === 0o600 });
  try {
    await must(gatewayUp(plan.project), d);
    const hostUrl = `http://127.0.0.1:${plan.port}/v1`;
    const answer = await providerThroughGateway(hostUrl, { timeoutMs: d.timeoutMs, signal: d.signal });
    if (answer.status !== 200 || answer.provider !== 'legacy') {
      const got = answer.error ? answer.error : `HTTP ${answer.status} from ${answer.provider ?? 'no provider'}`;
      const logs = await d.run(gatewayLogs(plan.project)).then(
        (r) => new Redactor(d.loaded.secrets).text(lastLines(r.stdout + r.stderr)),
        () => '',
      );
      throw new UnhealthyError(`the gateway did not answer from legacy on ${hostUrl}: ${got}${logs ? `; its log: ${logs}` : ''}`, {
        hint: `nothing of the app was changed; fix the cause (port ${plan.port} taken? image present?), then run gateway setup again`,
      });
    }
    return answer.provider;
  } catch (err) {
    await undoGateway(plan, d);
    throw err;
  }
}

async function undoGateway(plan: SetupPlan, d: SetupDeps): Promise<void> {
  await d.run(gatewayRemove(plan.project)).catch(() => undefined);
  await fs.rm(plan.layout.override, { force: true });
  await fs.rm(plan.layout.confDir, { recursive: true, force: true });
}

async function backUp(plan: SetupPlan, d: SetupDeps): Promise<string> {
  const env = d.loaded.config.environments[plan.environment]!;
  const sources = env.envFiles.map((f) => ({ path: f, absolute: path.resolve(d.loaded.dir, f) }));
  const planned = await planBackup(sources, (file) => classifyEnvValues(values(parse(file.content)), d.loaded.config.providers));
  const backup = await createBackup({
    stateDir: d.stateDir,
    environment: plan.environment,
    files: sources,
    planned,
    message: 'before gateway setup',
    toolVersion: d.toolVersion,
    processEnv: d.processEnv,
  });
  return backup.id;
}

/** URL variables → the gateway, consumers recreated, and their containers read back. */
async function pointApp(plan: SetupPlan, d: SetupDeps): Promise<void> {
  for (const f of plan.urls.files) await updateEnvFile(f.file, (doc) => setKeys(doc, Object.fromEntries(Object.keys(f.values).map((n) => [n, plan.values[n]!]))));
  await must({ ...composeUp(plan.project, plan.consumers), timeoutMs: 180_000 }, d);
  const ready = await waitForServices(plan.project, plan.consumers, { timeoutMs: d.timeoutMs, signal: d.signal, run: d.run });
  if (!ready.ready) throw new Error(describeNotReady(ready).join('; '));
  const problems = await containersNotAt({
    project: plan.project,
    services: plan.consumers,
    envFiles: plan.urls.files.map((f) => f.file),
    expected: plan.values,
    run: d.run,
  });
  if (problems.length > 0) throw new Error(`the app's containers do not hold the gateway URL: ${problems.join('; ')}`);
}
