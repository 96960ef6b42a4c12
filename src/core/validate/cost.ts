import type { ProviderConfig } from '../config/schema.js';
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

/**
 * Cost from the provider's `prices` (per model, per million tokens). Undefined when a model
 * used has no price: a partial sum would understate the bill.
 */
export function costOf(provider: ProviderConfig, used: readonly PricedUsage[], dailyRequests?: number): CostSummary | undefined {
  if (!provider.prices || used.length === 0) return undefined;
  let total = 0;
  let currency: string | undefined;
  for (const { model, usage } of used) {
    const price = provider.prices[model];
    if (!price) return undefined;
    currency ??= price.currency;
    total += (usage.promptTokens * price.input + usage.completionTokens * price.output) / 1_000_000;
  }
  const perRequest = total / used.length;
  const summary: CostSummary = { currency: currency ?? 'USD', suite: round(total), perRequest: round(perRequest) };
  if (dailyRequests) Object.assign(summary, { monthly: round(perRequest * dailyRequests * 30), dailyRequests });
  return summary;
}

function round(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}
