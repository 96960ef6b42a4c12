import { tempProject } from '../helpers/project.js';

/** A fresh temp directory per call, removed after the test that made it. */
export function useTmp(): () => string {
  return () => tempProject('migrate-state-');
}

export function modeOf(stat: { mode: number }): string {
  return (stat.mode & 0o777).toString(8).padStart(4, '0');
}
