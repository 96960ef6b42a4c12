/** `migrate rollback`: restore an environment's env files from a verified backup, recreate, verify. */
export { rollback, defaultDeps, type RollbackRequest, type RollbackDeps } from './run.js';
export { selectBackup, type BackupChoice, type SelectInput } from './select.js';
export { planRestore, changedKeys, type RestorePlan, type FileRestore } from './plan.js';
export { takeRollbackLock, LOCK_COMMAND, type LockWait, type TakenLock } from './lock.js';
export { assertCanConfirm, confirmRollback, terminalPrompt, type Prompt, type ConfirmPolicy } from './confirm.js';
export { restoreFiles } from './restore.js';
export { recreateCommand, recreateServices, waitUntilReady } from './services.js';
// traffic.ts and verify.ts are imported lazily by run.ts (they pull in heavy modules): import them directly.
export type { TrafficReset } from './traffic.js';
export type { Connectivity } from './verify.js';
export { describePlan, describeFile, summaryLine, dryRunLines } from './render.js';
export type { RollbackReport, Timings } from './report.js';
