// `migrate init`: scan (reads) → plan (data) → render (text); the command writes.
export { scanProject, readEnvFile, readComposeFile, type ProjectScan } from './scan.js';
export { planConfig, environmentName, type InitPlan } from './plan.js';
export { renderConfig } from './render.js';
export { unsetVariables } from './variables.js';
