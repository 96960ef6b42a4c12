// The questions init asks a person at a terminal: which base-URL/key pair, which services, which
// model settings. Asked through the Context's Prompter, so tests script the answers.
import type { Prompter } from '../../prompter.js';
import { describeCandidate } from './detect.js';
import type { InitChoices, InitPlan } from './plan.js';

/** Only the two kinds of question init asks, from the Context's Prompter. */
export type InitPrompter = Pick<Prompter, 'select' | 'checkbox'>;

/** Asks only what there is a choice about; the detected answer is the default each time. */
export async function askChoices(plan: InitPlan, replan: (choices: InitChoices) => InitPlan, prompter: InitPrompter, signal?: AbortSignal): Promise<InitChoices> {
  const choices: InitChoices = {};
  if (plan.candidates.length > 1) {
    choices.candidate = await prompter.select(
      'Which base URL and key does the app use for the provider you are leaving?',
      plan.candidates.map((c, i) => ({ name: `${describeCandidate(c)}  (${c.confidence}: ${c.reasons[0] ?? ''})`, value: i })),
      signal,
    );
  }
  let current = replan(choices);
  const env = current.environments.find((e) => e.compose);
  if (env?.compose && env.compose.all.length > 1) {
    choices.services = await prompter.checkbox(
      'Which compose services call the LLM API (they are recreated at the cut-over)?',
      env.compose.all.map((s) => ({ name: s, value: s, checked: env.compose!.services.includes(s) })),
      signal,
    );
    current = replan(choices);
  }
  const models = current.modelFindings;
  if (models.length > 0) {
    const chosen = current.environments[0]?.modelVariables ?? [];
    choices.modelVariables = await prompter.checkbox(
      'Which model settings belong to this provider (a cut-over may have to change them)?',
      models.map((f) => ({ name: `${f.variable}  (${f.at})`, value: f.variable!, checked: chosen.includes(f.variable!) })),
      signal,
    );
  }
  return choices;
}
