import { environmentAppView, NO_COMPOSE, rampExpectation } from '../appview/environment.js';
import { failureText } from '../appview/render.js';
import { ExitCode, InterruptedError, MigrateError } from '../../errors.js';
import type { Runner } from '../exec/command.js';
import { createRunner } from '../exec/run.js';
import type { Decision } from '../gates/controller.js';
import { createGateSources, type GateSources } from '../gates/sources/create.js';
import { ProbeClient } from '../http/client.js';
import { Redactor } from '../redact.js';
import type { Lock } from '../state/lock.js';
import {
  decisionRecorded,
  newRamp,
  rampCompleted,
  rampFailed,
  rampPaused,
  rampResumed,
  rampRolledBack,
  rampStoppedForRollback,
  readRollbackRequest,
  saveRampState,
  stageApplying,
  stagePassed,
  weightApplied,
  type RampState,
  type RollbackRequest,
} from '../state/ramp.js';
import type { TrafficDriver } from '../traffic/types.js';
import type { NodeOrder } from '../traffic/node-order.js';
import { trapInterrupts, type Interrupts } from './interrupts.js';
import type { Journal } from './journal.js';
import { checkTarget, takeBackup, validateProviders } from './preflight.js';
import { rollBackRamp } from './auto-rollback.js';
import type { Admission, RampOptions } from './options.js';
import { soakStage, type SoakEnd } from './soak.js';
import { mirrorOf, stageLabel } from './stage-label.js';

export interface RampRunInput extends RampOptions, Admission {
  lock: RampState['lock'];
  rawLock: Lock;
  driver: TrafficDriver;
  /** Runs the driver's writes: no abort signal, so a step is never cut in half. */
  run: Runner;
  journal: Journal;
  started: number;
  /** envStagesNote, said with the start line. */
  note?: string;
}

/**
 * One ramp, under the environment's lock: preflight, then each stage (apply → soak → decide),
 * then the final check. The state file is rewritten after every transition and decision, so
 * whatever stops this process, `--resume` knows where traffic is.
 */
export class RampRun {
  private state!: RampState;
  private readonly redactor: Redactor;
  /** "no compose: containers not checked" is said once a ramp, not at every stage. */
  private saidNoCompose = false;

  constructor(private readonly o: RampRunInput) {
    this.redactor = new Redactor(o.loaded.secrets);
  }

  async run(): Promise<number> {
    const backupId = await this.preflight();
    if (this.o.signal.aborted) throw new InterruptedError('interrupted during the preflight: nothing was changed');
    const labels = this.o.stages.map((s, i) => stageLabel(s, mirrorOf(i, this.o.shadow)));
    if (this.o.from === 0 && !(await this.confirmed(`Start shifting ${this.o.environment}'s traffic to target (${labels.join(' → ')})?`))) {
      throw new InterruptedError(`the ramp of ${this.o.environment} was not confirmed: nothing was changed`);
    }
    await this.begin(backupId);
    const interrupts = trapInterrupts({ interactive: this.o.prompter.interactive, signals: this.o.signals, signal: this.o.signal });
    const client = new ProbeClient({ processEnv: this.o.processEnv });
    const sources = createGateSources({
      sources: this.o.settings.sources,
      providers: this.o.loaded.config.providers,
      model: this.o.loaded.config.models[0]!,
      client,
      configDir: this.o.loaded.dir,
      run: createRunner({ processEnv: this.o.processEnv, signal: interrupts.stopSignal }),
      environment: this.o.environment,
      traffic: this.o.envConfig.traffic,
    });
    try {
      return await this.stages(sources, interrupts);
    } finally {
      interrupts.dispose();
      await Promise.all(sources.all.map(async (s) => s.close?.()));
      await client.close();
    }
  }

  private async preflight(): Promise<string | undefined> {
    const { o } = this;
    if (o.requires) await o.journal.emit({ event: 'preflight', step: 'requires', ok: true, detail: o.requires });
    await this.step('check', () => checkTarget(o.loaded, o));
    if (o.settings.validate) await this.step('validate', () => validateProviders(o.loaded, o, o.stateDir));
    if (o.resume) return o.existing?.backupId;
    let id: string | undefined;
    await this.step('backup', async () => {
      id = await takeBackup(o.loaded, o.stateDir, o.environment, o.envConfig, o.version, o.processEnv);
      return `backed up ${o.envConfig.envFiles.join(', ')} as ${id}`;
    });
    return id;
  }

  private async step(step: 'check' | 'validate' | 'backup', body: () => Promise<string>): Promise<void> {
    try {
      await this.o.journal.emit({ event: 'preflight', step, ok: true, detail: await body() });
    } catch (err) {
      await this.o.journal.emit({ event: 'preflight', step, ok: false, detail: (err as Error).message });
      throw err;
    }
  }

  private async begin(backupId: string | undefined): Promise<void> {
    const { o } = this;
    const now = Date.now();
    const state =
      o.resume && o.existing
        ? rampResumed(o.existing, o.lock, now)
        : newRamp({ environment: o.environment, stages: o.stages, shadow: o.shadow, driver: o.driver.name, backupId, lock: o.lock, now });
    await this.save(state);
    await o.journal.emit({
      event: 'start',
      resumed: o.resume,
      stages: o.stages,
      ...(o.shadow ? { shadow: o.shadow } : {}),
      soakMs: o.settings.soakMs,
      intervalMs: o.settings.intervalMs,
      driver: o.driver.name,
      backupId,
      fromStage: o.from + 1,
      dryRun: false,
      ...(o.note ? { note: o.note } : {}),
    });
  }

  private async stages(sources: GateSources, interrupts: Interrupts): Promise<number> {
    const { o } = this;
    for (let i = o.from; i < o.stages.length; i++) {
      const weight = o.stages[i]!;
      const mirror = mirrorOf(i, o.shadow);
      const request = await readRollbackRequest(o.stateDir, o.environment);
      if (request) return this.stopped(request);
      if (stopping(interrupts)) return this.pause(`interrupted by ${interrupts.cause}`, true);
      if (weight >= 100 && !(await this.confirmed(`Cut ${o.environment} over: all traffic to target and the env files pointed at it for good?`))) {
        return this.pause('the cut-over to 100% was not confirmed', true);
      }
      // The log's end before the weight moves: the stage's real traffic is what comes after.
      await sources.gateway?.start();
      const applied = await this.apply(i, weight, mirror);
      if (applied !== undefined) return applied;
      // A signal that came while the weight was applied: the step finished, now stop.
      if (stopping(interrupts)) return this.pause(`interrupted by ${interrupts.cause}`, true);
      sources.probes?.start();
      const end = await soakStage(this.soakDeps(sources, interrupts), i, o.stages.length, weight, stageLabel(weight, mirror));
      if (end.kind !== 'passed') {
        // Probes would keep sending to the target while the rollback runs.
        if (end.kind === 'rollback') await sources.probes?.close?.();
        return this.ended(end);
      }
      await this.save(stagePassed(this.state, Date.now()));
      await o.journal.emit({ event: 'stage', stage: i + 1, of: o.stages.length, weight, ...(mirror ? { mirror } : {}), status: 'passed' });
    }
    return this.finish();
  }

  /** Undefined when the weight took effect; an exit code when applying failed and the ramp rolled back. */
  private async apply(i: number, weight: number, mirror: number | undefined): Promise<number | undefined> {
    const { o } = this;
    const shadow = mirror ? { mirror } : {};
    await this.save(stageApplying(this.state, i, Date.now()));
    await o.journal.emit({ event: 'stage', stage: i + 1, of: o.stages.length, weight, ...shadow, status: 'applying' });
    let appliedWeight: number;
    let nodeOrder: NodeOrder | undefined;
    try {
      ({ appliedWeight, nodeOrder } = await o.driver.apply(weight, { run: o.run, onWarning: (line) => o.out.warn(line), ...shadow }));
    } catch (err) {
      return this.rollBack(`applying ${stageLabel(weight, mirror)} failed: ${(err as Error).message}`);
    }
    await this.save(weightApplied(this.state, appliedWeight, Date.now()));
    const { wrong, unseen } = await this.checkContainers(i, weight, appliedWeight);
    if (wrong) return this.rollBack(wrong);
    await o.journal.emit({
      event: 'stage',
      stage: i + 1,
      of: o.stages.length,
      weight,
      ...shadow,
      status: 'soaking',
      appliedWeight,
      ...(unseen ? { unseen } : {}),
      ...(nodeOrder ? { nodeOrder } : {}),
    });
    return undefined;
  }

  /**
   * The app's view is the truth: its containers must hold what the stage meant (the pair, the
   * weight) and that pair must answer. `wrong`: why not, for the rollback. `unseen`: the weight
   * reaches none of the containers, so the app's traffic has not moved.
   */
  private async checkContainers(i: number, weight: number, appliedWeight: number): Promise<{ wrong?: string; unseen?: boolean }> {
    const { o } = this;
    // What the driver reports having applied: a gateway that stopped short of 100 % wrote no cut-over.
    const expected = rampExpectation(o.envConfig, appliedWeight);
    if (!expected) return {};
    const base = { event: 'containers' as const, stage: i + 1, weight, step: expected.step, expected: expected.role };
    if (!o.envConfig.compose) {
      if (!this.saidNoCompose) await o.journal.emit({ ...base, ok: true, containers: [], skipped: NO_COMPOSE });
      this.saidNoCompose = true;
      return {};
    }
    try {
      const view = await environmentAppView({ loaded: o.loaded, envConfig: o.envConfig, expected, run: o.run, processEnv: o.processEnv });
      if (!view) return {}; // no compose: handled above
      await o.journal.emit({ ...base, ok: view.ok, containers: view.containers, ...(view.missing.length ? { missing: view.missing } : {}) });
      if (!view.ok) return { wrong: failureText(view) };
      return { unseen: appliedWeight < 100 && view.containers.length > 0 && view.containers.every((c) => c.weight?.blind) };
    } catch (err) {
      return { wrong: `could not read ${o.environment}'s containers after ${expected.step}: ${(err as Error).message}` };
    }
  }

  private soakDeps(sources: GateSources, interrupts: Interrupts) {
    const { o } = this;
    const live = o.out.opts.live && !o.out.json;
    return {
      environment: o.environment,
      policy: {
        soakMs: o.settings.soakMs,
        intervalMs: o.settings.intervalMs,
        maxExtensions: o.settings.gates.maxExtensions,
        maxSourceErrors: o.settings.gates.maxSourceErrors,
        errorRetryMs: o.settings.gates.errorRetry,
        interactive: o.prompter.interactive,
      },
      sources: sources.all,
      live: sources.gateway ?? sources.probes,
      limits: o.settings.gates,
      interrupts,
      prompter: o.prompter,
      rollbackRequested: () => readRollbackRequest(o.stateDir, o.environment),
      onDecision: (d: Decision) => this.decided(d),
      onQuestion: async (open: boolean, message: string) => void (await o.journal.emit({ event: 'question', status: open ? 'open' : 'answered', message })),
      onTick: live ? (view: Parameters<Journal['live']>[0]) => o.journal.live(view) : undefined,
    };
  }

  private async decided(d: Decision): Promise<void> {
    await this.save(decisionRecorded(this.state, d));
    await this.o.journal.emit({ event: 'decision', stage: d.stageIndex + 1, weight: d.weight, outcome: d.outcome, action: d.action, line: d.line, checks: d.checks });
  }

  private ended(end: Exclude<SoakEnd, { kind: 'passed' }>): Promise<number> {
    if (end.kind === 'rollback') return this.rollBack(end.reason);
    if (end.kind === 'stopped') return this.stopped(end.request);
    return this.pause(end.reason, end.interrupted);
  }

  /** Every stage passed: a last check of the target, then the ramp is complete. */
  private async finish(): Promise<number> {
    try {
      await this.o.journal.emit({
        event: 'preflight',
        step: 'final-check',
        ok: true,
        detail: `final check: ${await checkTarget(this.o.loaded, { processEnv: this.o.processEnv })}`,
      });
    } catch (err) {
      return this.rollBack(`the final check failed: ${(err as Error).message}`);
    }
    await this.save(rampCompleted(this.state, Date.now()));
    const last = this.o.stages[this.o.stages.length - 1]!;
    return this.end('completed', last >= 100 ? 'all traffic on target' : `${last}% of traffic on target (the last stage)`, ExitCode.ok);
  }

  /** Through the rollback core; exit 1 when traffic is safely back, 3 when a person must act. */
  private async rollBack(reason: string): Promise<number> {
    const { o } = this;
    await o.journal.emit({ event: 'rollback', status: 'started', reason });
    try {
      const done = await rollBackRamp({
        loaded: o.loaded,
        stateDir: o.stateDir,
        environment: o.environment,
        envConfig: o.envConfig,
        lock: o.rawLock,
        reason,
        run: o.run,
        processEnv: o.processEnv,
        log: { info: (line) => o.out.info(`  ${line}`), warn: (line) => o.out.warn(line) },
      });
      await this.save(rampRolledBack(this.state, reason, Date.now(), done.appliedWeight));
      await o.journal.emit({ event: 'rollback', status: 'done', reason, detail: done.detail });
      return this.end('rolled-back', reason, ExitCode.unhealthy);
    } catch (err) {
      const why = this.redactor.text((err as Error).message);
      await this.save(rampFailed(this.state, `${reason}; the rollback did not complete: ${why}`, Date.now()));
      await o.journal.emit({ event: 'rollback', status: 'failed', reason, detail: why });
      const hint = err instanceof MigrateError && err.hint ? this.redactor.text(err.hint) : `run \`migrate rollback --env ${o.environment}\``;
      for (const line of err instanceof MigrateError ? err.details : []) o.out.error(`  ${this.redactor.text(line)}`);
      o.out.error(`traffic may still be on target: ${hint}`);
      return this.end('failed', `${reason}; the rollback did not complete`, ExitCode.rollbackIncomplete);
    }
  }

  /** `migrate rollback` asked us to stop: let go without fighting it; it restores and verifies. */
  private async stopped(request: RollbackRequest): Promise<number> {
    const reason = `stopped for a rollback requested by ${request.by} at ${request.at}${request.reason ? ` (${request.reason})` : ''}`;
    // Not "rolled-back" yet: the waiting rollback records that once traffic really is back.
    await this.save(rampStoppedForRollback(this.state, reason, Date.now()));
    return this.end('rolled-back', reason, ExitCode.unhealthy);
  }

  /** State written as paused, lock released by the caller; `--resume` continues from here. */
  private async pause(reason: string, interrupted: boolean): Promise<number> {
    await this.save(rampPaused(this.state, reason, Date.now()));
    return this.end('paused', reason, interrupted ? ExitCode.interrupted : ExitCode.unhealthy);
  }

  private async end(status: RampState['status'], reason: string | undefined, exitCode: number): Promise<number> {
    await this.o.journal.emit({ event: 'end', status, reason, exitCode, durationMs: Date.now() - this.o.started });
    return exitCode;
  }

  private async confirmed(question: string): Promise<boolean> {
    if (!this.o.confirm) return true;
    try {
      return await this.o.prompter.confirm(question); // --yes answers without asking
    } catch {
      return false; // Ctrl-C inside the prompt
    }
  }

  private async save(state: RampState): Promise<void> {
    this.state = state;
    // Gate reasons quote command output, webhook answers and provider errors: the file on disk gets them redacted.
    await saveRampState(this.o.stateDir, this.redactor.value(state));
  }
}

function stopping(interrupts: Interrupts): boolean {
  return interrupts.state === 'stop';
}
