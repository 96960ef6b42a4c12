// What `migrate ramp` is given and what its admission decides, on their own so admit.ts and the
// RampRun it starts (stages.ts) both depend on these types, not on each other.
import type { Context } from '../../context.js';
import type { LoadedConfig } from '../config/index.js';
import type { EnvironmentConfig } from '../config/schema.js';
import type { RampState } from '../state/ramp.js';
import type { Prompter } from './prompts.js';
import type { RampSettings } from './settings.js';

/** The part of the command's Context a ramp reads; each step takes only the fields it uses (a Pick of RampOptions). */
export type RampContext = Pick<Context, 'cwd' | 'out' | 'interactive' | 'signal' | 'version'>;

export interface RampOptions extends RampContext {
  loaded: LoadedConfig;
  /** The environment's name. */
  environment: string;
  envConfig: EnvironmentConfig;
  settings: RampSettings;
  resume: boolean;
  /** --force: go on although the env driver cannot carry what the target needs (relay-needs.ts). */
  force?: boolean;
  yes: boolean;
  dryRun: boolean;
  processEnv: NodeJS.ProcessEnv;
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
