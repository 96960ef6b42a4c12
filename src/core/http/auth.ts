// Request headers for an OpenAI-compatible provider.

/** The key as sent: trimmed of the stray spaces and quotes a key pasted from a shell or .env file carries. */
export function bearerKey(apiKey: string): string {
  return apiKey
    .trim()
    .replace(/^(['"])(.*)\1$/, '$2')
    .trim();
}

/** `Authorization: Bearer <key>` plus the provider's extra headers; an extra Authorization cannot replace the key. */
export function authHeaders(apiKey: string, extra: Record<string, string> = {}): Record<string, string> {
  return { ...lowerCaseNames(extra), authorization: `Bearer ${bearerKey(apiKey)}` };
}

function lowerCaseNames(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}
