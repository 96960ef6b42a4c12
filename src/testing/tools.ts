// Tool calls: which tool the fake calls, and arguments that satisfy the tool's JSON schema.
// With tool_choice "auto" (or unset) the fake calls a tool only when the prompt names it or
// says "use/call a tool", so plain prompts with tools attached still get text back.
import type { ChatRequest, JsonSchema, ToolSpec } from './chat-request.js';
import { lastUserText } from './content.js';

export function chooseTool(request: ChatRequest): ToolSpec | undefined {
  const tools = (request.tools ?? []).filter((t) => t?.type === 'function' && typeof t.function?.name === 'string');
  const choice = request.tool_choice;
  if (tools.length === 0 || choice === 'none') return undefined;
  if (typeof choice === 'object' && choice !== null) {
    return tools.find((t) => t.function.name === choice.function?.name);
  }
  // After a tool result a model answers in text; calling again would loop an agent forever.
  if (choice !== 'required' && request.messages.at(-1)?.role === 'tool') return undefined;
  const prompt = lastUserText(request.messages).toLowerCase();
  const named = tools.find((t) => mentions(prompt, t.function.name));
  if (named) return named;
  if (choice === 'required' || /\b(use|call) (a|the|your) (tool|function)\b/.test(prompt)) return tools[0];
  return undefined;
}

// Verbs that prefix tool names; "what is the weather" asks for get_weather.
const VERBS = new Set(['get', 'set', 'fetch', 'find', 'lookup', 'look', 'search', 'list', 'create', 'query', 'call']);

function mentions(prompt: string, name: string): boolean {
  const words = name
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[\s_-]+/)
    .filter(Boolean);
  if (prompt.includes(name.toLowerCase()) || prompt.includes(words.join(' '))) return true;
  const nouns = words.filter((w) => !VERBS.has(w));
  return nouns.length > 0 && nouns.every((w) => prompt.includes(w));
}

/** A value that validates against `schema`, using words from the prompt where they fit. */
export function sampleFromSchema(schema: JsonSchema | undefined, prompt: string, key = 'value'): unknown {
  if (!schema) return {};
  if (schema.const !== undefined) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type ?? (schema.properties ? 'object' : 'string')) {
    case 'object':
      return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([name, sub]) => [name, sampleFromSchema(sub, prompt, name)]));
    case 'array':
      return schema.items ? [sampleFromSchema(schema.items, prompt, key)] : [];
    case 'integer':
    case 'number':
      return schema.minimum !== undefined ? Math.max(1, schema.minimum) : 1;
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return sampleString(key, prompt);
  }
}

function sampleString(key: string, prompt: string): string {
  if (/city|location|place|country|region|where/i.test(key)) return properNoun(prompt) ?? 'Paris';
  if (/unit/i.test(key)) return 'celsius';
  return `${key} from fake`;
}

/** A capitalised word that does not start a sentence: "weather in Paris?" -> Paris. */
function properNoun(prompt: string): string | undefined {
  const match = /(?<![.?!]\s|^)(?<=\s)([A-Z][\p{L}-]+)/u.exec(prompt);
  return match?.[1];
}
