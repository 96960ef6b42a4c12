// The shape of an app's base-URL variable. Most hold the provider's base URL, /v1 included; some
// hold a bare host or a URL without a path (big-AGI's OPENAI_API_HOST) and add `/v1/...` themselves.
// Whatever migrate writes there (the cut-over, `gateway setup`, `gateway remove`) keeps that shape.

/** The variable holds a bare host or a URL without a path: its app adds `/v1` itself, so what is written there must not end in /v1. */
export function addsV1Itself(held: string): boolean {
  const value = held.trim();
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return true;
  return (URL.parse(value)?.pathname ?? '/v1').replace(/\/+$/, '') === '';
}

/** `url` as the variable's app expects it (see addsV1Itself). */
export function inShapeOf(held: string, url: string): string {
  return addsV1Itself(held) ? url.replace(/\/v1\/*$/, '') : url;
}
