// How real self-hosted LLM apps name their OpenAI-compatible settings (Open WebUI, LibreChat,
// AnythingLLM, LobeChat, big-AGI and the OpenAI SDKs themselves), as data.

export type Confidence = 'high' | 'medium' | 'low';

/** Base-URL names that mean "the OpenAI-compatible endpoint" in the app or SDK that reads them. */
export const KNOWN_URLS: Record<string, string> = {
  OPENAI_BASE_URL: 'the OpenAI SDKs read it',
  OPENAI_API_BASE_URL: 'Open WebUI reads it',
  OPENAI_API_BASE: 'the OpenAI Python SDK before 1.0 and LangChain read it',
  OPENAI_REVERSE_PROXY: 'LibreChat reads it',
  OPENAI_PROXY_URL: 'LobeChat reads it',
  OPENAI_API_HOST: 'big-AGI and Chatbot UI read it',
  GENERIC_OPEN_AI_BASE_PATH: "AnythingLLM's generic OpenAI provider reads it",
};

/** NAME_<suffix>: the prefix names the provider; longer suffixes first so OPENAI_API_BASE_URL → OPENAI. */
export const URL_NAME = /^(\w+?)_(API_BASE_URL|BASE_URL|BASEURL|BASE_PATH|API_BASE|API_HOST|API_ENDPOINT|ENDPOINT|REVERSE_PROXY|PROXY_URL)$/;

/** Key names that belong to a prefix, best first. */
export function keyNames(prefix: string): string[] {
  return [`${prefix}_API_KEY`, `${prefix}_KEY`, `${prefix}_API_TOKEN`, `${prefix}_TOKEN`];
}

/** Keys that mean OpenAI even without a base-URL variable (the SDK default URL applies). */
export const OPENAI_KEYS = ['OPENAI_API_KEY', 'OPEN_AI_KEY'];

export const OPENAI_DEFAULT_URL = 'https://api.openai.com/v1';

/** Providers and services whose variables look like ours but are not OpenAI-compatible endpoints. */
const OTHER =
  /^(OLLAMA|ANTHROPIC|CLAUDE|GEMINI|GOOGLE|VERTEX|COHERE|MISTRAL|GROQ|BEDROCK|AWS|HUGGING_?FACE|REPLICATE|EMBEDDING|EMBEDDINGS|CHROMA|CHROMACLOUD|QDRANT|WEAVIATE|MILVUS|PINECONE|ZILLIZ|ASTRA|PGVECTOR|MEILI|ELASTIC|SEARXNG|SEARCH|S3|MINIO|ELEVENLABS|PUPPETEER|AZURE_AI_SEARCH|TTS|STT|WHISPER|LANGFUSE|HELICONE|SENTRY)(_|$)/;

export function isOtherProvider(prefix: string): boolean {
  return OTHER.test(prefix);
}

export function isOpenAiNamed(prefix: string): boolean {
  return /(^|_)OPEN_?AI(_|$)/.test(prefix);
}

export function isAzure(prefix: string): boolean {
  return /^AZURE/.test(prefix);
}

/** An endpoint an OpenAI SDK can use as its base URL: the official API, or a path ending in /v1. */
export function looksOpenAiCompatible(value: string): boolean {
  return /^https?:\/\/api\.openai\.com(\/|$)/.test(value) || /\/v1\/?$/.test(value);
}

/** Model settings: *_MODEL_PREF, *_MODEL_LIST, *_MODELS, *_MODEL, *_MODEL_NAME, DEFAULT_MODEL(S). */
export const MODEL_NAME = /^(?:(\w+?)_)?(MODEL_PREF|MODEL_LIST|MODELS|MODEL|MODEL_NAME|DEFAULT_MODELS?)$/;

/** Model settings any provider of the app uses (Open WebUI's DEFAULT_MODELS, TASK_MODEL_EXTERNAL). */
export const APP_MODELS = ['DEFAULT_MODEL', 'DEFAULT_MODELS', 'LLM_MODEL', 'MODEL', 'MODEL_NAME', 'CHAT_MODEL', 'TASK_MODEL_EXTERNAL'];

/** AnythingLLM-style selector: LLM_PROVIDER=generic-openai picks GENERIC_OPEN_AI_*. */
export const PROVIDER_SELECTORS = ['LLM_PROVIDER', 'LLM_ENGINE'];

export function sameProvider(selector: string, prefix: string): boolean {
  const norm = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');
  return norm(selector) === norm(prefix);
}

export function lower(c: Confidence): Confidence {
  return c === 'high' ? 'medium' : 'low';
}
