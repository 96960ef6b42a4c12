// `migrate init`: scan (reads) → detect and plan (data) → render (text); the command writes.
export { scanProject, readEnvFile, readComposeFile, type ProjectScan } from './scan.js';
export { planConfig, environmentName, type InitPlan, type InitChoices } from './plan.js';
export type { Candidate, Finding } from './detect.js';
export { describeCandidate } from './detect.js';
export { renderConfig } from './render.js';
export { renderFindings } from './render.js';
export { MIGRATE_ENV, renderMigrateEnv, writeMigrateEnv, ignoreMigrateEnv } from './migrate-env.js';
export { unsetVariables } from './migrate-env.js';
