// Failure messages quote what servers send; relays sometimes echo the key back, so every message passes here.
import { isSecretHeader, redactText } from '../redact.js';

const MAX_MESSAGE = 200;
const KEY_LIKE = /\b(?:sk|rk|pk|ak)-[A-Za-z0-9_\-*.]{6,}/g;
const BEARER = /\bBearer\s+[^\s"',]+/gi;

/** The text with every occurrence of the secrets replaced; a relay that echoes the key must not put it in a report. */
export function withoutSecrets(text: string, secrets: readonly string[]): string {
  return redactText(text, secrets, '[redacted]');
}

/** One line, at most ~200 characters, with the given secrets and anything key-shaped removed. */
export function oneLine(text: string, secrets: readonly string[] = []): string {
  let line = withoutSecrets(text, secrets).replace(BEARER, 'Bearer [redacted]').replace(KEY_LIKE, '[redacted]');
  line = line.replace(/\s+/g, ' ').trim();
  return line.length > MAX_MESSAGE ? `${line.slice(0, MAX_MESSAGE - 1)}…` : line;
}

/** The values of request headers that carry credentials (Authorization, api-key, x-api-key, ...). */
export function secretsOf(headers: Record<string, string> | undefined): string[] {
  if (!headers) return [];
  const secrets: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (!isSecretHeader(name) || !value) continue;
    secrets.push(value);
    const bare = value.replace(/^\s*(Bearer|Basic|Token)\s+/i, '').trim();
    if (bare !== value) secrets.push(bare);
  }
  return secrets;
}
