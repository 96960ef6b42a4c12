// Which values in a config are secrets, so every printer can redact them. Works on validated
// config and on raw input alike (the loader redacts its own error messages with it).
import { bearerKey } from '../http/auth.js';
import { isSecretHeader, isSecretName } from '../redact.js';

type Obj = Record<string, unknown>;

export function collectSecrets(data: unknown): string[] {
  const found = new Set<string>();
  const root = asObject(data);
  for (const provider of Object.values(asObject(root.providers))) {
    addProviderLike(found, asObject(provider));
    for (const node of asArray(asObject(provider).nodes)) addProviderLike(found, asObject(node));
  }
  for (const environment of Object.values(asObject(root.environments))) {
    for (const [name, value] of Object.entries(asObject(asObject(environment).cutover))) {
      if (isSecretName(name)) add(found, value);
    }
  }
  walkStrings(data, (text) => {
    for (const value of urlSecrets(text)) add(found, value);
  });
  walkWebhooks(data, (text) => add(found, webhookToken(text)));
  return [...found].sort((a, b) => b.length - a.length);
}

/** A URL's credentials: the password of its userinfo and query values named like a key (`?api-key=`). */
export function urlSecrets(text: string): string[] {
  const password = urlPassword(text);
  return [...(password ? [password] : []), ...secretQueryValues(text)];
}

/** True for env var names such as OPENAI_API_KEY or DB_PASSWORD (not MAX_TOKENS or PORTKEY_PROVIDER). */
export function looksSecret(name: string): boolean {
  return isSecretName(name);
}

function addProviderLike(found: Set<string>, entry: Obj): void {
  add(found, entry.apiKey);
  // The key as sent (spaces and quotes around it dropped) is what a server or nginx may echo back.
  if (typeof entry.apiKey === 'string') add(found, bearerKey(entry.apiKey));
  for (const [name, value] of Object.entries(asObject(entry.headers))) {
    if (!isSecretHeader(name)) continue;
    add(found, value);
    // "Bearer sk-..." : the token alone may show up elsewhere too.
    if (typeof value === 'string') add(found, /^\S+\s+(\S+)$/.exec(value.trim())?.[1]);
  }
}

function add(found: Set<string>, value: unknown): void {
  if (typeof value === 'string' && value.trim() !== '') found.add(value);
}

function urlPassword(text: string): string | undefined {
  if (!/^[a-z]+:\/\/[^/\s]*@/i.test(text)) return undefined;
  try {
    return decodeURIComponent(new URL(text).password) || undefined;
  } catch {
    return undefined;
  }
}

/** `?api-key=...`, `&access_token=...`, `&sig=...`: some relays and webhooks authenticate in the query. */
const SECRET_QUERY = /key|token|secret|sig|password|auth/i;

function secretQueryValues(text: string): string[] {
  if (!/^[a-z]+:\/\/[^\s]*\?/i.test(text)) return [];
  try {
    return [...new URL(text).searchParams].filter(([name, value]) => SECRET_QUERY.test(name) && value !== '').map(([, value]) => value);
  } catch {
    return [];
  }
}

/**
 * Chat webhooks (Slack, Discord, Feishu, DingTalk, WeCom) carry their credential in the path or
 * the query: anyone holding the URL can post. The host stays readable, the rest is a secret.
 */
function webhookToken(text: string): string | undefined {
  try {
    const u = new URL(text);
    const rest = `${u.pathname}${u.search}`;
    return rest.length >= MIN_WEBHOOK_SECRET ? rest : undefined;
  } catch {
    return undefined;
  }
}

/** Shorter paths (`/migrate`) name an endpoint rather than hold a token, and would mangle text. */
const MIN_WEBHOOK_SECRET = 12;

function walkWebhooks(value: unknown, visit: (url: string) => void): void {
  if (!value || typeof value !== 'object') return;
  for (const [key, item] of Object.entries(value)) {
    if (key === 'webhook' && typeof item === 'string') visit(item);
    else walkWebhooks(item, visit);
  }
}

function walkStrings(value: unknown, visit: (text: string) => void): void {
  if (typeof value === 'string') visit(value);
  else if (value && typeof value === 'object') for (const item of Object.values(value)) walkStrings(item, visit);
}

function asObject(value: unknown): Obj {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Obj) : {};
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
