// The shape of an app's base-URL variable. Most hold the provider's base URL, /v1 included; some
// hold a bare host or a URL without a path (big-AGI's OPENAI_API_HOST) and add `/v1/...` themselves.
// Whatever migrate writes there (the cut-over, `gateway setup`, `gateway remove`) keeps that shape.

/**
 * The variable's app adds `/v1` itself, so what is written there must not end in /v1: it holds a
 * bare host, or it is a `*_HOST` variable (big-AGI's and Chatbot UI's OPENAI_API_HOST) holding a
 * URL without a path. An SDK base URL without a path (OPENAI_BASE_URL=http://litellm:4000, a proxy
 * at its root) is called as held: the OpenAI SDK adds nothing, so stripping target's /v1 would 404.
 */
export function addsV1Itself(name: string, held: string): boolean {
  const value = held.trim();
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return true;
  return /_HOST$/i.test(name) && (URL.parse(value)?.pathname ?? '/v1').replace(/\/+$/, '') === '';
}

/** `url` as the app reading variable `name` (which holds `held`) expects it (see addsV1Itself). */
export function inShapeOf(name: string, held: string, url: string): string {
  return addsV1Itself(name, held) ? url.replace(/\/v1\/*$/, '') : url;
}
