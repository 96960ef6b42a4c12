// main.ts prints every error, whatever raised it: an "unexpected" error from deep in a command, a
// library's message, or a MigrateError built from server text can all quote a key. The config
// loader remembers the secrets it resolved here, so the one place that prints errors can redact
// them without each command threading its config through; key-shaped text is redacted even when
// no config was loaded.

import { Redactor, isSecretName, redactSecret } from './redact.js';

const known = new Set<string>();

export function rememberSecrets(secrets: Iterable<string>): void {
  for (const secret of secrets) if (secret) known.add(secret);
}

/** Well-known key shapes (OpenAI/Anthropic `sk-…`, other `xx-…` keys) and bearer credentials. */
const KEY_SHAPED = /\b(?:sk|pk|rk|ak|hs)-[A-Za-z0-9_-]{16,}|\b(?:Bearer|Basic|Token) +[A-Za-z0-9._~+/=-]{12,}/gi;

/**
 * A redactor for error text: the config's secrets (when one was loaded), the values of
 * environment variables named like credentials (OPENAI_API_KEY), then anything key-shaped.
 */
export function errorRedactor(env: NodeJS.ProcessEnv): (text: string) => string {
  // Paths (SSH_AUTH_SOCK) are not keys, and redacting them would garble an error that names a file.
  const fromEnv = Object.entries(env)
    .filter(([name, value]) => value && !value.startsWith('/') && isSecretName(name))
    .map(([, value]) => value!);
  const redactor = new Redactor([...known, ...fromEnv]);
  return (text) => redactor.text(text).replace(KEY_SHAPED, (found) => redactSecret(found));
}
