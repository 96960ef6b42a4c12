// Relay defects applied to otherwise well-formed bodies and chunks: the ways relays break
// clients silently (issue 4). Each function takes data and returns changed data.
import type { DefectsSpec } from './faults-schema.js';

type Json = Record<string, unknown>;
type Choice = Json & { delta?: Json };

export function defectCompletion(body: Json, defects: DefectsSpec): Json {
  const out = structuredClone(body);
  applyTopLevel(out, defects);
  if (defects.emptyChoices) out.choices = [];
  for (const choice of (out.choices as Choice[]) ?? []) {
    applyFinishReason(choice, defects);
  }
  return out;
}

export function defectChunks(chunks: Json[], defects: DefectsSpec): Json[] {
  const dropUsage = defects.drop?.includes('usage') ?? false;
  // Without usage the usage chunk carries nothing: a relay that drops usage sends no such chunk.
  const kept = dropUsage ? chunks.filter((c) => !isUsageChunk(c)) : chunks;
  return kept.map((chunk) => {
    const out = structuredClone(chunk);
    applyTopLevel(out, defects);
    if (defects.emptyChoices) out.choices = [];
    for (const choice of (out.choices as Choice[]) ?? []) {
      applyFinishReason(choice, defects);
      if (defects.dropToolCallIndex) dropIndexes(choice.delta);
    }
    return out;
  });
}

function isUsageChunk(chunk: Json): boolean {
  return Array.isArray(chunk.choices) && chunk.choices.length === 0 && chunk.usage != null;
}

function applyTopLevel(out: Json, defects: DefectsSpec): void {
  for (const field of defects.drop ?? []) delete out[field];
  if (defects.responseModel !== undefined) out.model = defects.responseModel;
}

// finish_reason is null on every chunk but the last, so "null" only changes the last one.
function applyFinishReason(choice: Choice, defects: DefectsSpec): void {
  if (defects.finishReason === 'absent') delete choice.finish_reason;
  else if (defects.finishReason === 'null') choice.finish_reason = null;
}

function dropIndexes(holder: Json | undefined): void {
  const calls = holder?.tool_calls;
  if (!Array.isArray(calls)) return;
  for (const call of calls as Json[]) delete call.index;
}
