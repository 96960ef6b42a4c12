/** `migrate rollback`: restore an environment's env files from a verified backup, recreate, verify. */
export { rollback, defaultDeps, type RollbackRequest, type RollbackDeps } from './run.js';
export { planRestore, type RestorePlan } from './plan.js';
export { takeRollbackLock } from './lock.js';
export { terminalPrompt, type Prompt } from './confirm.js';
// traffic.ts and verify.ts are imported lazily by run.ts (they pull in heavy modules): import them directly.
export { describePlan, summaryLine, dryRunLines, timingsLine } from './render.js';
export type { RollbackReport } from './report.js';
