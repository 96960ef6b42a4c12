// Request headers for an OpenAI-compatible provider.

/** `Authorization: Bearer <key>` plus the provider's extra headers; the key is trimmed of stray quotes and spaces. */
export function authHeaders(apiKey: string, extra: Record<string, string> = {}): Record<string, string> {
  const key = apiKey.trim().replace(/^(['"])(.*)\1$/, '$2').trim();
  return { ...lowerCaseNames(extra), authorization: `Bearer ${key}` };
}

function lowerCaseNames(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}
