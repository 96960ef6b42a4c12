import type { ProviderConfig, ProviderRole } from '../config/schema.js';
import type { Usage } from '../openai/answer.js';

export interface CostSummary {
  currency: string;
  /** What the suite's answered requests cost. */
  suite: number;
  /** Average cost of one request in this suite. */
  perRequest: number;
  /** perRequest x dailyRequests x 30, when validate.dailyRequests is set. */
  monthly?: number;
  dailyRequests?: number;
}

export interface PricedUsage {
  model: string;
  usage: Usage;
}

/** The suite's cost, or why there is none when the provider has prices (a user who set prices expects a cost). */
export interface Priced {
  cost?: CostSummary;
  /** e.g. `no price for model gpt-4.1-mini in providers.target.prices`. */
  note?: string;
}

/**
 * Cost from the provider's `prices` (per model, per million tokens). None when a model used has
 * no price (a partial sum would understate the bill) or the prices mix currencies.
 */
export function costOf(role: ProviderRole, provider: ProviderConfig, used: readonly PricedUsage[], dailyRequests?: number): Priced {
  const prices = provider.prices;
  if (!prices) return {};
  if (used.length === 0) return { note: 'no answered request reported token usage' };
  const unpriced = [...new Set(used.map((u) => u.model).filter((m) => !prices[m]))];
  if (unpriced.length) return { note: `no price for model ${unpriced.join(', ')} in providers.${role}.prices` };
  const currencies = [...new Set(used.map((u) => prices[u.model]!.currency))];
  if (currencies.length > 1) return { note: `the prices of the models used mix currencies (${currencies.join(', ')})` };
  const total = used.reduce((sum, { model, usage }) => sum + (usage.promptTokens * prices[model]!.input + usage.completionTokens * prices[model]!.output) / 1_000_000, 0);
  const perRequest = total / used.length;
  const cost: CostSummary = { currency: currencies[0]!, suite: round(total), perRequest: round(perRequest) };
  if (dailyRequests) Object.assign(cost, { monthly: round(perRequest * dailyRequests * 30), dailyRequests });
  return { cost };
}

function round(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}
