// What a chat completion said, the same shape whether it came as one body or as a stream, so
// assertions and comparisons do not care how it arrived.

export interface ToolCall {
  id?: string;
  name?: string;
  /** The raw arguments string (joined from deltas for streams). */
  arguments: string;
}

export interface Usage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

export interface Answer {
  content: string;
  toolCalls: ToolCall[];
  /** Of the first choice; undefined when never set. */
  finishReason?: string;
  usage?: Usage;
  /** The `model` the response named. */
  model?: string;
}

export function readUsage(value: unknown): Usage | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const u = value as Record<string, unknown>;
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  const prompt = num(u.prompt_tokens);
  const completion = num(u.completion_tokens);
  if (prompt === undefined && completion === undefined) return undefined;
  const promptTokens = prompt ?? 0;
  const completionTokens = completion ?? 0;
  return { promptTokens, completionTokens, totalTokens: num(u.total_tokens) ?? promptTokens + completionTokens };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
