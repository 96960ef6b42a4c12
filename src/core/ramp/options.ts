// What `migrate ramp` is given and what its admission decides, on their own so admit.ts and the
// RampRun it starts (stages.ts) both depend on these types, not on each other.
import type { Context } from '../../context.js';
import type { LoadedConfig } from '../config/load.js';
import type { EnvironmentConfig } from '../config/schema.js';
import type { Prompter } from '../prompter.js';
import type { SignalHooks } from '../signals.js';
import type { RampState } from '../state/ramp.js';
import type { RampSettings } from './settings.js';

/** The part of the command's Context a ramp reads; each step takes only the fields it uses (a Pick of RampOptions). */
export type RampContext = Pick<Context, 'cwd' | 'out' | 'signal' | 'version'>;

export interface RampOptions extends RampContext {
  loaded: LoadedConfig;
  /** The environment's name. */
  environment: string;
  envConfig: EnvironmentConfig;
  settings: RampSettings;
  resume: boolean;
  /** --force: go on although the env driver cannot carry what the target needs (relay-needs.ts). */
  force?: boolean;
  dryRun: boolean;
  processEnv: NodeJS.ProcessEnv;
  /** Asks before the first stage and before 100 % (--yes answers), and at the first Ctrl-C of a soak. */
  prompter: Prompter;
  /** The stages hold these while they run, so a second signal reaches them (interrupts.ts). */
  signals: SignalHooks;
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
