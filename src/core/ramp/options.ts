// What `migrate ramp` is given and what its admission decides, on their own so run.ts and the
// RampRun it starts (ramp-run.ts) both depend on these types, not on each other.
import type { LoadedConfig } from '../config/load.js';
import type { EnvironmentConfig } from '../config/schema.js';
import type { Output } from '../output/output.js';
import type { RampState } from '../state/ramp.js';
import type { Prompter } from './prompts.js';
import type { RampSettings } from './settings.js';

export interface RampOptions {
  loaded: LoadedConfig;
  environment: string;
  env: EnvironmentConfig;
  settings: RampSettings;
  resume: boolean;
  /** --force: go on although the env driver cannot carry what the target needs (relay-needs.ts). */
  force?: boolean;
  yes: boolean;
  dryRun: boolean;
  interactive: boolean;
  out: Output;
  processEnv: NodeJS.ProcessEnv;
  cwd: string;
  version: string;
  /** Aborted on the first signal; honoured during preflight (the stages trap signals themselves). */
  signal: AbortSignal;
  prompter: Prompter;
  /** main.ts's switch for "a second signal exits at once"; the stages turn it off while they run. */
  holdSignals?: () => () => void;
}

/** What is decided before the lock: refusals here change nothing and take no lock. */
export interface Admission {
  stateDir: string;
  existing?: RampState;
  stages: number[];
  /** Stage 1 is a shadow stage copying this percent of requests to target. */
  shadow?: number;
  from: number;
  confirm: boolean;
  /** Said in the preflight when the environment requires another. */
  requires?: string;
}
